"""API shapes of the wish wall. What leaves is what the wall shows: the wisher's public name,
the compound, the honour; contact details only through the audited contact endpoint."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mulin.organizations.models import OrgUnit, TimeSlot
from mulin.wishes.models import DESCRIPTION_MAX, TITLE_MAX, Wish, WishCategory, WishEvent
from mulin.wishes.transitions import WISH_LIFECYCLE


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = WishCategory
        fields = ["code", "name"]
        read_only_fields = fields


class CategoryChoiceSerializer(serializers.ModelSerializer):
    """A category a wish may be posted in: send its `code` as `category`."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = WishCategory
        fields = ["code", "name", "default_hours"]
        read_only_fields = fields


class ChoiceSerializer(serializers.Serializer):
    """One value a field takes: send `code`; `name` is for people, in the caller's language."""

    code = serializers.CharField()
    name = serializers.CharField()


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name"]
        read_only_fields = fields


class HonourSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField(allow_null=True)


class WishSerializer(serializers.ModelSerializer):
    """A card of the wall."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category = CategorySerializer(read_only=True)
    community = UnitRefSerializer(read_only=True)
    place = UnitRefSerializer(read_only=True)
    wisher_name = serializers.CharField(source="public_name", read_only=True)
    honour = serializers.SerializerMethodField()

    class Meta:
        model = Wish
        fields = [
            "id",
            "title",
            "status",
            "status_label",
            "category",
            "community",
            "place",
            "wisher_name",
            "honour",
            "estimated_hours",
            "estimated_value",
            "preferred_time",
            "rating",
            "created_at",
            "published_at",
            "claimed_at",
            "fulfilled_at",
            "closed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(HonourSerializer(allow_null=True))
    def get_honour(self, wish: Wish) -> dict[str, Any] | None:
        if not wish.claimant_name:
            return None
        return {"name": wish.claimant_name, "unit": wish.claimant_unit.name if wish.claimant_unit else None}


class WishEventSerializer(serializers.ModelSerializer):
    verb_label = serializers.CharField(source="get_verb_display", read_only=True)
    by = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = WishEvent
        fields = ["verb", "verb_label", "by", "note", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_by(self, event: WishEvent) -> str:
        if event.actor_role == WishEvent.ActorRole.CLAIMANT:
            return event.actor_name
        if event.actor_role == WishEvent.ActorRole.WISHER:
            return self.context["wish"].public_name
        return str(event.get_actor_role_display())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_note(self, event: WishEvent) -> str | None:
        return event.note if self.context.get("private") else None


class WishDetailSerializer(WishSerializer):
    """A wish with its description, timeline and what the caller may do next. Notes, the reason
    for a rejection and photos only for the wisher, the claimant and community staff."""

    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()
    fulfilment_note = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    class Meta(WishSerializer.Meta):
        fields = [
            *WishSerializer.Meta.fields,
            "description",
            "thanks",
            "rejection_reason",
            "fulfilment_note",
            "fulfilment_hours",
            "photos",
            "timeline",
            "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(WishEventSerializer(many=True))
    def get_timeline(self, wish: Wish) -> Any:
        return WishEventSerializer(self.context.get("events", []), many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=WISH_LIFECYCLE.names)))
    def get_actions(self, wish: Wish) -> list[str]:
        return list(self.context.get("actions", []))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rejection_reason(self, wish: Wish) -> str | None:
        return wish.rejection_reason if self.context.get("private") else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_fulfilment_note(self, wish: Wish) -> str | None:
        return wish.fulfilment_note if self.context.get("private") else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_photos(self, wish: Wish) -> list[str]:
        return [reverse("wishes:photo", args=[photo.uuid]) for photo in self.context.get("photos", [])]


class WishCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX, trim_whitespace=True)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=WishCategory.objects.filter(is_active=True), help_text=_("Category code.")
    )
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")
    estimated_hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=99, required=False, allow_null=True, default=None
    )
    estimated_value = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, max_value=100000, required=False, allow_null=True, default=None
    )
    preferred_time = serializers.ChoiceField(choices=TimeSlot.choices, required=False, allow_blank=True, default="")
    shows_full_name = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("Default: the person's own setting.")
    )
    wisher = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text=_("Staff only: id of the offline resident.")
    )


# Request bodies of the actions (actions.py), one per action that takes input; publish and claim
# take none. Fields and names are those of the services' arguments.


class WishRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True)


class WishReasonSerializer(serializers.Serializer):
    """Release or withdraw, with an optional reason."""

    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WishFulfilSerializer(serializers.Serializer):
    """multipart/form-data: the photos are files."""

    note = serializers.CharField(max_length=500, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), max_length=3)  # 1-3 JPEG or PNG, 5 MB each
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, max_value=24, required=False, allow_null=True, default=None
    )


class WishConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    thanks = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class WishContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    place = serializers.CharField()
    entered_by_staff = serializers.BooleanField()
