"""The caller's own notifications and notification settings over the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mulin.notifications import registry
from mulin.notifications.models import Notification, NotificationPreference
from mulin.notifications.selectors import notification_list_for, preference_matrix
from mulin.notifications.services import notification_mark_read, preferences_set
from mulin.organizations.middleware import ActorMixin


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


class _PersonRequiredMixin(ActorMixin):
    def person_or_403(self) -> Any:
        if self.actor.person is None:
            raise PermissionDenied(_("This account is not linked to a person."))
        return self.actor.person


class NotificationListApi(_PersonRequiredMixin, generics.ListAPIView):
    """The caller's notifications, newest first, in keyset pages."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset scopes to the caller

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return notification_list_for(self.person_or_403())

    def get(self, request: Request, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        self.person_or_403()
        return super().get(request, *args, **kwargs)


class NotificationReadRequestSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text="Notifications to mark read; all of them when left out.",
    )


class NotificationReadApi(_PersonRequiredMixin, APIView):
    @extend_schema(
        request=NotificationReadRequestSerializer,
        responses=inline_serializer("NotificationReadResponse", {"marked": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        person = self.person_or_403()
        serializer = NotificationReadRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data.get("ids")
        return Response({"marked": notification_mark_read(person=person, notification_ids=ids)})


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=64)
    channel = serializers.ChoiceField(choices=NotificationPreference.Channel.choices)
    enabled = serializers.BooleanField()


class PreferenceRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField(help_text="What the kind is about, in the caller's language.")
    mandatory = serializers.BooleanField()
    channels = serializers.DictField(child=serializers.BooleanField())


class NotificationPreferencesApi(_PersonRequiredMixin, APIView):
    """Which kinds of notification also reach the caller by e-mail or SMS."""

    def _rows(self, person: Any) -> list[dict[str, Any]]:
        return [
            {
                "kind": row["kind"].key,
                "title": str(row["kind"].label),
                "mandatory": row["kind"].mandatory,
                "channels": row["states"],
            }
            for row in preference_matrix(person, self.actor)
        ]

    @extend_schema(responses=PreferenceRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(PreferenceRowSerializer(self._rows(self.person_or_403()), many=True).data)

    @extend_schema(request=PreferenceSerializer(many=True), responses=PreferenceRowSerializer(many=True))
    def put(self, request: Request) -> Response:
        """Change some choices; mandatory kinds stay on whatever is sent."""
        person = self.person_or_403()
        serializer = PreferenceSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        unknown = sorted(
            {item["kind"] for item in serializer.validated_data if not registry.is_registered(item["kind"])}
        )
        if unknown:
            raise serializers.ValidationError({"kind": [_("Unknown kind of notification.")]})
        preferences_set(
            person=person,
            choices={(item["kind"], item["channel"]): item["enabled"] for item in serializer.validated_data},
        )
        return Response(PreferenceRowSerializer(self._rows(person), many=True).data)
