"""Point events of the wish wall (points/events.py): the helper is credited when the wisher
confirms (销号), and the rules this starts with."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from mulin.points.events import DefaultRule, PointEvent, register

WISH_CLOSED = register(
    PointEvent(
        key="wishes.closed",
        label=_("A wish I fulfilled was confirmed"),
        default_rules=(
            DefaultRule(
                code="wish-fulfilled",
                account="service",
                name_zh_hans="圆梦微心愿",
                name_en="Fulfilled a micro-wish",
                points=Decimal(10),
                hours_mode="from_source",
                max_hours=Decimal(8),
            ),
            DefaultRule(
                code="wish-fulfilled-assessment",
                account="assessment",
                name_zh_hans="党员认领并圆梦微心愿",
                name_en="Party member fulfilled a micro-wish",
                points=Decimal(2),
                applies_to="party_members",
            ),
        ),
    )
)
