"""Wish categories: the street's list, edited by the street administration."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.core.concurrency import ensure_unchanged
from mulin.organizations.models import Skill
from mulin.organizations.scoping import Actor
from mulin.wishes.models import WishCategory
from mulin.wishes.permissions import ensure_can_manage_categories
from mulin.wishes.selectors import category_cache_clear
from mulin.wishes.services._common import M

CATEGORY_FIELDS = frozenset({"name_zh_hans", "name_en", "skills", "default_hours", "order", "is_active"})


@transaction.atomic
def category_save(
    *, actor: Actor, category: WishCategory | None = None, expected_version: Any = None, **fields: Any
) -> WishCategory:
    """Add a category (with a `code`) or change one; categories in use are retired, not deleted.

    When changing, `expected_version` (the category's `updated_at` as the form showed it) guards
    against overwriting another administrator's change: StateConflict (409) if it moved on.
    """
    ensure_can_manage_categories(actor)
    if category is not None:
        ensure_unchanged(category, expected_version)
    unknown = set(fields) - CATEGORY_FIELDS - ({"code"} if category is None else set())
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    if set(fields.get("skills") or []) - set(Skill.values):
        raise ValidationError({"skills": [_("Unknown skill.")]})
    category = category or WishCategory()
    for name, value in fields.items():
        setattr(category, name, value.strip() if isinstance(value, str) else value)
    category.full_clean()
    category.save()
    category_cache_clear()
    audit_record(verb=f"{M}.category_saved", actor=actor.person, target=category)
    return category
