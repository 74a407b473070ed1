from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.api.base import ActorMixin
from mulin.notifications import registry
from mulin.notifications.models import Notification
from mulin.notifications.services import notification_list_for, notification_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields

    def get_title(self, notification: Notification) -> str:
        return registry.get(notification.kind).render_title(notification.params)

    def get_body(self, notification: Notification) -> str:
        return registry.get(notification.kind).render_body(notification.params)


class NotificationListApi(ActorMixin, generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if self.actor.person is None:
            raise PermissionDenied(_("This account is not linked to a person."))
        return notification_list_for(self.actor.person)


class NotificationReadApi(ActorMixin, APIView):
    @extend_schema(
        request=inline_serializer(
            "NotificationReadRequest", {"ids": serializers.ListField(child=serializers.IntegerField(), required=False)}
        ),
        responses=inline_serializer("NotificationReadResponse", {"marked": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        if self.actor.person is None:
            raise PermissionDenied(_("This account is not linked to a person."))
        ids = request.data.get("ids") if isinstance(request.data, dict) else None
        if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, int) for i in ids)):
            raise serializers.ValidationError({"ids": [_("A list of notification ids is expected.")]})
        return Response({"marked": notification_mark_read(person=self.actor.person, notification_ids=ids)})
