"""Wishes built through the real services, so tests see what production writes."""

from __future__ import annotations

from typing import Any

from mulin.core.tests.images import jpeg_upload
from mulin.organizations.models import Person
from mulin.organizations.tests.factories import actor
from mulin.wishes.models import Wish, WishCategory
from mulin.wishes.services import (
    wish_claim,
    wish_confirm,
    wish_fulfil,
    wish_publish,
    wish_reject,
    wish_submit,
    wish_withdraw,
)

S = Wish.Status


def category(code: str = "repair") -> WishCategory:
    return WishCategory.objects.get(code=code)


def make_wish(
    *,
    wisher: Person,
    status: str = S.SUBMITTED,
    moderator: Person | None = None,
    claimant: Person | None = None,
    title: str = "帮忙修水龙头",
    **fields: Any,
) -> Wish:
    """A wish of `wisher`, walked through the services up to `status`."""
    fields.setdefault("category", category())
    wish = wish_submit(actor=actor(wisher), title=title, **fields)
    if status == S.SUBMITTED:
        return wish
    assert moderator is not None
    if status == S.REJECTED:
        return wish_reject(actor=actor(moderator), wish=wish, reason="重复提交")
    wish_publish(actor=actor(moderator), wish=wish)
    if status == S.PUBLISHED:
        return wish
    if status == S.WITHDRAWN:
        return wish_withdraw(actor=actor(wisher), wish=wish)
    assert claimant is not None
    wish_claim(actor=actor(claimant), wish=wish)
    if status == S.CLAIMED:
        return wish
    wish_fulfil(actor=actor(claimant), wish=wish, note="已修好", photos=[jpeg_upload()], hours="1.5")
    if status == S.FULFILLED:
        return wish
    return wish_confirm(actor=actor(wisher), wish=wish, rating=5, thanks="谢谢")
