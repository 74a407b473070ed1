"""API shapes of work orders. What leaves is what the page shows: the reporter's masked name,
the place, the responsible party; notes, reasons and photos only for those involved."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mulin.organizations.models import OrgUnit
from mulin.workorders.models import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    ExternalDepartment,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderEvent,
)
from mulin.workorders.transitions import ACTIONS


class WorkOrderCategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)

    class Meta:
        model = WorkOrderCategory
        fields = ["code", "name", "group", "description", "accept_within_hours", "resolve_within_days"]
        read_only_fields = fields


class WorkOrderUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class PartySerializer(serializers.Serializer):
    """A responsible party an order may be sent to: send `unit` or `department` with this id."""

    type = serializers.ChoiceField(choices=["unit", "department"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class WorkOrderSerializer(serializers.ModelSerializer):
    """A card of the list."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    resolution_label = serializers.CharField(source="get_resolution_display", read_only=True)
    category = WorkOrderCategorySerializer(read_only=True)
    community = WorkOrderUnitSerializer(read_only=True)
    place = WorkOrderUnitSerializer(read_only=True)
    responsible_party = serializers.CharField(source="assignee_name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    source = serializers.SerializerMethodField()  # type: ignore[assignment]  # the field, not Field.source

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "title",
            "status",
            "status_label",
            "resolution",
            "resolution_label",
            "category",
            "community",
            "place",
            "address",
            "latitude",
            "longitude",
            "reporter_name",
            "channel",
            "responsible_party",
            "source",
            "created_at",
            "dispatched_at",
            "due_at",
            "is_overdue",
            "resolved_at",
            "verified_at",
            "closed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_source(self, order: WorkOrder) -> dict[str, Any] | None:
        if order.source_type_id is None:
            return None
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_id(order.source_type_id)  # cached by Django
        return {"type": f"{content_type.app_label}.{content_type.model}", "id": order.source_id}


class WorkOrderEventSerializer(serializers.ModelSerializer):
    verb_label = serializers.CharField(source="get_verb_display", read_only=True)
    by = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrderEvent
        fields = ["verb", "verb_label", "by", "party_name", "note", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_by(self, event: WorkOrderEvent) -> str:
        if event.actor_role == WorkOrderEvent.ActorRole.REPORTER and self.context["order"].reporter_name:
            return self.context["order"].reporter_name
        return str(event.get_actor_role_display())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_note(self, event: WorkOrderEvent) -> str | None:
        return event.note if self.context.get("private") else None


class WorkOrderDetailSerializer(WorkOrderSerializer):
    """An order with its description, timeline, photos and what the caller may do next."""

    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    status_note = serializers.SerializerMethodField()
    resolution_note = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta(WorkOrderSerializer.Meta):
        fields = [
            *WorkOrderSerializer.Meta.fields,
            "description",
            "media_url",
            "status_note",
            "resolution_note",
            "reporter_says_fixed",
            "satisfaction",
            "reopen_count",
            "photos",
            "timeline",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(WorkOrderEventSerializer(many=True))
    def get_timeline(self, order: WorkOrder) -> Any:
        return WorkOrderEventSerializer(self.context.get("events", []), many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=[*ACTIONS, "rate"])))
    def get_actions(self, order: WorkOrder) -> list[str]:
        return list(self.context.get("actions", []))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status_note(self, order: WorkOrder) -> str | None:
        return order.status_note if self.context.get("private") else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_resolution_note(self, order: WorkOrder) -> str | None:
        return order.resolution_note if self.context.get("private") else None

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_photos(self, order: WorkOrder) -> list[dict[str, Any]]:
        return [
            {"url": reverse("workorders:photo", args=[photo.uuid]), "stage": photo.stage}
            for photo in self.context.get("photos", [])
        ]


# --- requests ----------------------------------------------------------------------------------------


class WorkOrderCreateSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code",
        queryset=WorkOrderCategory.objects.filter(is_active=True),
        help_text=_("Category code (GET /api/v1/work-order-categories/)."),
    )
    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")
    community = serializers.IntegerField(help_text=_("Id of the community the problem is in."))
    address = serializers.CharField(max_length=ADDRESS_MAX, required=False, allow_blank=True, default="")
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True, default=None
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=3, default=list)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX)


class _PartyChoice(serializers.Serializer):
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, help_text=_("Id of a unit."))
    department = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("Id of an external department.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("unit") is None) == (attrs.get("department") is None):
            raise serializers.ValidationError({"unit": [_("Send either unit or department.")]})
        return attrs


class DispatchSerializer(_PartyChoice):
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class ReassignSerializer(_PartyChoice):
    reason = serializers.CharField(max_length=REASON_MAX)


class ResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX)
    photos = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=3)


class VerifySerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=3, default=list)


class CloseUnfixedSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(
        choices=[
            WorkOrder.Resolution.DUPLICATE.value,
            WorkOrder.Resolution.NOT_A_PROBLEM.value,
            WorkOrder.Resolution.CANNOT_FIX.value,
        ]
    )
    reason = serializers.CharField(max_length=REASON_MAX)


class RateSerializer(serializers.Serializer):
    fixed = serializers.BooleanField(help_text=_("Is it really fixed?"))
    satisfaction = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True, default="")


class DepartmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = ExternalDepartment
        fields = ["id", "code", "name", "phone"]
        read_only_fields = fields
