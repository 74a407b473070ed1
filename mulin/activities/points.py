"""Point events of activities (points/events.py): attending an activity, with the rules it starts
with (also written by migration 0003)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from mulin.points.events import DefaultRule, PointEvent, register

ACTIVITY_ATTENDED = register(
    PointEvent(
        key="activities.attended",
        label=_("Attended an activity"),
        default_rules=(
            DefaultRule(
                code="activity-attended",
                account="service",
                name_zh_hans="参加活动",
                name_en="Attended an activity",
                points=Decimal(2),
            ),
            DefaultRule(
                code="activity-attended-assessment",
                account="assessment",
                name_zh_hans="党员参加组织生活和活动",
                name_en="Party member attended an activity",
                points=Decimal(1),
                applies_to="party_members",
            ),
        ),
    )
)
