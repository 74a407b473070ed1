"""What the street administration sets up: external departments and Open311 client keys."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.core.crypto import sm3_hex
from mulin.core.exceptions import StateConflict
from mulin.organizations.models import OrgUnit
from mulin.organizations.scoping import Actor
from mulin.workorders.models import ExternalDepartment, Open311Client
from mulin.workorders.permissions import ensure_can_manage_street_settings, street_paths_managed_by
from mulin.workorders.services._common import clean_text

KEY_BYTES = 32


def _ensure_street_of_actor(actor: Actor, street: OrgUnit) -> None:
    ensure_can_manage_street_settings(actor)
    if street.kind != OrgUnit.Kind.STREET:
        raise ValidationError({"street": [_("Choose a street.")]})
    if not any(street.path.startswith(path) for path in street_paths_managed_by(actor)):
        raise ValidationError({"street": [_("You may set up only your own street.")]})


@transaction.atomic
def department_save(
    *,
    actor: Actor,
    street: OrgUnit,
    code: str,
    name_zh_hans: str,
    name_en: str = "",
    phone: str = "",
    is_active: bool = True,
) -> ExternalDepartment:
    """Add an external department to a street, or change the one with this code."""
    _ensure_street_of_actor(actor, street)
    department = ExternalDepartment.objects.filter(street=street, code=code).first() or ExternalDepartment(
        street=street, code=code
    )
    department.name_zh_hans = clean_text(name_zh_hans, field="name_zh_hans", max_length=60, required=True)
    department.name_en = clean_text(name_en, field="name_en", max_length=80, required=False) or department.name_zh_hans
    department.phone = clean_text(phone, field="phone", max_length=30, required=False)
    department.is_active = bool(is_active)
    department.full_clean(exclude=["street"])
    department.save()
    audit_record(verb="workorders.department_saved", actor=actor.person, target=department, scope_path=street.path)
    return department


def key_digest(key: str) -> str:
    """What is stored of an Open311 key: its SM3 digest (the key itself is 256 random bits, so a
    plain digest cannot be guessed back)."""
    return sm3_hex(key.encode())


@transaction.atomic
def open311_client_issue(
    *, actor: Actor, street: OrgUnit, name: str, default_community: OrgUnit
) -> tuple[Open311Client, str]:
    """Issue a key for an Open311 client of `street`. Returns the client and the key, which is
    shown once and never stored (only its digest)."""
    _ensure_street_of_actor(actor, street)
    name = clean_text(name, field="name", max_length=80, required=True, message=_("Name the system that uses the key."))
    if default_community.kind != OrgUnit.Kind.COMMUNITY or not default_community.path.startswith(street.path):
        raise ValidationError({"default_community": [_("Choose a community of this street.")]})
    key = "m311_" + secrets.token_urlsafe(KEY_BYTES)
    client = Open311Client.objects.create(
        name=name,
        street=street,
        default_community=default_community,
        key_prefix=key[:8],
        key_hash=key_digest(key),
        issued_by=actor.person,
    )
    audit_record(verb="workorders.open311_key_issued", actor=actor.person, target=client, scope_path=street.path)
    return client, key


@transaction.atomic
def open311_client_revoke(*, actor: Actor, client: Open311Client) -> Open311Client:
    """Revoke a key at once: later requests with it are refused (403)."""
    _ensure_street_of_actor(actor, client.street)
    now = timezone.now()
    if not Open311Client.objects.filter(pk=client.pk, revoked_at__isnull=True).update(revoked_at=now, updated_at=now):
        raise StateConflict(_("This key was already revoked."), code="open311_key_revoked")
    client.refresh_from_db()
    audit_record(
        verb="workorders.open311_key_revoked", actor=actor.person, target=client, scope_path=client.street.path
    )
    return client
