"""REST endpoint for a person's own points: balance and recent entries."""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.organizations.middleware import ActorMixin
from mulin.points.selectors import ledger_history, points_balance
from mulin.points.serializers import PointsMeSerializer

RECENT = 20


class PointsMeApi(ActorMixin, APIView):
    @extend_schema(responses=PointsMeSerializer, summary="My service points: balance and the latest entries")
    def get(self, request: Request) -> Response:
        person = self.actor.person
        if person is None:
            raise PermissionDenied(_("This account is not linked to a person."))
        data = {"balance": asdict(points_balance(person)), "recent": ledger_history(person, limit=RECENT)}
        return Response(PointsMeSerializer(data).data)
