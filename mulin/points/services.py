"""Writes to the points ledger. Entries are only ever added: credits once per source and rule,
corrections as compensating entries."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.core.concurrency import ensure_unchanged
from mulin.core.exceptions import ApplicationError
from mulin.notifications.services import notification_send
from mulin.organizations.models import OrgUnit, PartyMembership, Person
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import street_of
from mulin.points import events as point_events
from mulin.points.models import Account, LedgerEntry, PointRule, ServiceCertificate
from mulin.points.permissions import (
    ensure_can_correct_entry,
    ensure_can_issue_certificate,
    ensure_can_manage_rules,
)
from mulin.points.selectors import rules_for_event, year_totals

TENTH = Decimal("0.1")
CERTIFICATE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: numbers are read aloud and typed
_COUNTING_STATUSES = frozenset({PartyMembership.Status.FULL, PartyMembership.Status.PROBATIONARY})


def _tenths(value: Decimal | int | float | str) -> Decimal:
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _is_party_member(person: Person) -> bool:
    membership = PartyMembership.objects.filter(person=person).first()
    return membership is not None and membership.status in _COUNTING_STATUSES


def _hours_for(rule: PointRule, source_hours: Decimal | None) -> Decimal:
    if rule.hours_mode == PointRule.Hours.FIXED:
        return _tenths(rule.hours)
    if rule.hours_mode == PointRule.Hours.FROM_SOURCE and source_hours is not None:
        return _tenths(min(max(Decimal(source_hours), Decimal(0)), rule.max_hours))
    return Decimal(0)


@transaction.atomic
def points_award(
    *,
    event: str,
    person: Person,
    source: models.Model,
    occurred_at: dt.datetime,
    scope_path: str,
    hours: Decimal | None = None,
    label: str = "",
) -> list[LedgerEntry]:
    """Credit `person` for one service event under every active rule for `event`.

    `event` is a key an app registered (its `points.py`); an unknown one is a programming error
    (ValueError). Called by other apps' services after they checked permissions (the service itself is the
    authority, e.g. a wish confirmed by its wisher). Each (source, person, rule) credits at most
    once: a retry, a double click or a concurrent call returns no new entry, because the partial
    unique constraint `ledgerentry_credit_once` decides. Returns the entries created now.
    """
    if not point_events.is_registered(event):
        raise ValueError(f"Unknown point event {event!r}; register it in the app's points.py.")
    source_type, source_id = source._meta.label_lower, str(source.pk)
    created: list[LedgerEntry] = []
    member: bool | None = None
    for rule in rules_for_event(event):
        if rule.applies_to == PointRule.AppliesTo.PARTY_MEMBERS:
            member = _is_party_member(person) if member is None else member
            if not member:
                continue
        entry = LedgerEntry(
            person=person,
            account=rule.account,
            kind=LedgerEntry.Kind.CREDIT,
            points=_tenths(rule.points),
            hours=_hours_for(rule, hours) if rule.account == Account.SERVICE else Decimal(0),
            rule=rule,
            source_type=source_type,
            source_id=source_id,
            occurred_at=occurred_at,
            scope_path=scope_path,
            label=label[:200],
        )
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            continue  # already credited for this source and rule
        created.append(entry)
    return created


@transaction.atomic
def points_correct(*, actor: Actor, entry: LedgerEntry, points: Decimal, hours: Decimal, reason: str) -> LedgerEntry:
    """Book a compensating entry against `entry` (the original is never changed).

    Raise PermissionDenied outside the actor's scope, ValidationError for a missing reason, a
    zero correction, hours on the assessment account, or a correction that would take the
    entry's total below zero.
    """
    ensure_can_correct_entry(actor, entry)
    points, hours, reason = _tenths(points), _tenths(hours), reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Say why the entry is corrected.")
    if points == 0 and hours == 0:
        errors["points"] = _("A correction must change the points or the hours.")
    if entry.account == Account.ASSESSMENT and hours != 0:
        errors["hours"] = _("The assessment score has no hours.")
    if errors:
        raise ValidationError(errors)
    original = LedgerEntry.objects.select_for_update().get(pk=entry.corrects_id or entry.pk)
    so_far = original.corrections.aggregate(total_points=Sum("points"), total_hours=Sum("hours"))
    if (
        original.points + (so_far["total_points"] or 0) + points < 0
        or original.hours + (so_far["total_hours"] or 0) + hours < 0
    ):
        raise ValidationError({"points": _("A correction cannot take an entry below zero.")})
    correction = LedgerEntry.objects.create(
        person_id=original.person_id,
        account=original.account,
        kind=LedgerEntry.Kind.CORRECTION,
        points=points,
        hours=hours,
        corrects=original,
        occurred_at=original.occurred_at,
        scope_path=original.scope_path,
        label=original.label,
        note=reason[:200],
        created_by=actor.person,
    )
    audit_record(
        verb="points.corrected",
        actor=actor.person,
        target=correction,
        scope_path=original.scope_path,
        data={"corrects": original.pk, "points": str(points), "hours": str(hours)},
    )
    notification_send(
        kind="points.corrected",
        recipients=[original.person],
        params={"points": f"{points:+}", "hours": f"{hours:+}"},
        url="/points/",
    )
    return correction


RULE_EDITABLE_FIELDS = frozenset({"points", "hours", "max_hours", "is_active", "name_zh_hans", "name_en"})


@transaction.atomic
def rule_update(*, actor: Actor, rule: PointRule, expected_version: Any = None, **changes: Any) -> PointRule:
    """Change a rule's amounts or switch it on or off. Entries already booked keep their amounts.

    `expected_version` (the rule's `updated_at` as the form showed it): StateConflict (409) if
    another administrator saved the rule since, so neither change is lost silently.
    """
    ensure_can_manage_rules(actor)
    ensure_unchanged(rule, expected_version)
    unknown = set(changes) - RULE_EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(rule, name, value)
    if rule.hours_mode == PointRule.Hours.NONE:
        rule.hours = Decimal(0)
    rule.full_clean()
    rule.save(update_fields=[*changes, "hours", "updated_at"])
    audit_record(
        verb="points.rule_changed",
        actor=actor.person,
        target=rule,
        data={name: str(value) for name, value in changes.items() if name not in {"name_zh_hans", "name_en"}},
    )
    return rule


def _issuer_name(person: Person) -> str:
    """The street that keeps the record (谁记录谁证明): the street above the person's home."""
    home = person.home_unit
    street = (street_of(home) if home is not None else None) or OrgUnit.objects.filter(
        kind=OrgUnit.Kind.STREET
    ).order_by("path").first()
    return street.name if street is not None else ""


def _new_number(year: int) -> str:
    random_part = "".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(8))
    return f"ZY{year}-{random_part[:4]}-{random_part[4:]}"


@transaction.atomic
def certificate_issue(*, actor: Actor, person: Person, year: int) -> ServiceCertificate:
    """Issue the person's volunteer-service record certificate for `year`, totals from the ledger.

    Idempotent: if the current certificate already states the same totals it is returned. If
    more service was booked since, the old one is superseded and a new number issued. The
    number is random (not a sequence) so the public verify page cannot be walked.
    Raise ApplicationError when the year has no service on record or lies in the future.
    """
    ensure_can_issue_certificate(actor, person)
    if year > timezone.localdate().year or year < 2000:
        raise ApplicationError(_("Choose a year up to this one."), code="invalid_year")
    totals = year_totals(person, year)
    if totals.hours <= 0 and totals.services == 0:
        raise ApplicationError(_("There is no volunteer service on record for %(year)s.") % {"year": year})
    current = (
        ServiceCertificate.objects.select_for_update()
        .filter(person=person, year=year, superseded_at__isnull=True)
        .first()
    )
    if current is not None:
        if (current.hours, current.points, current.services_count) == (totals.hours, totals.points, totals.services):
            return current
        current.superseded_at = timezone.now()
        current.save(update_fields=["superseded_at", "updated_at"])
    issuer = _issuer_name(person)
    for _attempt in range(5):
        certificate = ServiceCertificate(
            number=_new_number(year),
            person=person,
            year=year,
            hours=totals.hours,
            points=totals.points,
            services_count=totals.services,
            issuer_name=issuer,
            issued_by=actor.person if actor.person_id != person.pk else None,
        )
        try:
            with transaction.atomic():
                certificate.save(force_insert=True)
        except IntegrityError:
            # A number collision (1 in 31^8) or another request issuing the same year at once.
            existing = ServiceCertificate.objects.filter(person=person, year=year, superseded_at__isnull=True).first()
            if existing is not None:
                return existing
            continue
        audit_record(
            verb="points.certificate_issued",
            actor=actor.person,
            target=certificate,
            data={"year": year, "hours": str(totals.hours)},
        )
        return certificate
    raise ApplicationError(_("The certificate could not be issued. Please try again."))
