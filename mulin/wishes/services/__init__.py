"""Writes to the wish wall, one module per concern; import the services from here.

- posting.py     wish_submit
- lifecycle.py   wish_publish, wish_reject, wish_claim, wish_release, wish_fulfil, wish_confirm,
                 wish_withdraw (each the service of one action in `actions.py`)
- contact.py     wish_contact_reveal (audited)
- categories.py  category_save
- escalation.py  wish_escalate_due (hourly job)
- _common.py     the timeline row, audit row and notification every service writes
"""

from mulin.wishes.services.categories import CATEGORY_FIELDS, category_save
from mulin.wishes.services.contact import WishContact, wish_contact_reveal
from mulin.wishes.services.escalation import EscalationReport, wish_escalate_due
from mulin.wishes.services.lifecycle import (
    wish_claim,
    wish_confirm,
    wish_fulfil,
    wish_publish,
    wish_reject,
    wish_release,
    wish_withdraw,
)
from mulin.wishes.services.posting import wish_submit

__all__ = [
    "CATEGORY_FIELDS",
    "EscalationReport",
    "WishContact",
    "category_save",
    "wish_claim",
    "wish_confirm",
    "wish_contact_reveal",
    "wish_escalate_due",
    "wish_fulfil",
    "wish_publish",
    "wish_reject",
    "wish_release",
    "wish_submit",
    "wish_withdraw",
]
