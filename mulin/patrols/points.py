"""Point events of river patrols (points/events.py): a patrol logged, with the rules it starts
with. Hours are the patrol's duration (at most 4 per patrol)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from mulin.points.events import DefaultRule, PointEvent, register

PATROL_LOGGED = register(
    PointEvent(
        key="patrols.logged",
        label=_("Patrolled a river segment"),
        default_rules=(
            DefaultRule(
                code="patrol-logged",
                account="service",
                name_zh_hans="巡河",
                name_en="Patrolled a river segment",
                points=Decimal(2),
                hours_mode="from_source",
                max_hours=Decimal(4),
            ),
            DefaultRule(
                code="patrol-logged-assessment",
                account="assessment",
                name_zh_hans="党员巡河",
                name_en="Party member patrolled a river segment",
                points=Decimal("0.5"),
                applies_to="party_members",
            ),
        ),
    )
)

INSPECTED = register(
    PointEvent(
        key="patrols.inspected",
        label=_("Inspected a compound in a campaign"),
        default_rules=(
            DefaultRule(
                code="campaign-inspected",
                account="service",
                name_zh_hans="隐患排查",
                name_en="Inspected a compound for hazards",
                points=Decimal(2),
            ),
        ),
    )
)
