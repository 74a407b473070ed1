"""Who may see whose ledger, correct entries, edit rules and read certificates."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from mulin.organizations.models import Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import person_list_visible_to
from mulin.points.models import LedgerEntry, ServiceCertificate


def can_manage_ledger_of(actor: Actor, person: Person) -> bool:
    """Whether the actor is points staff over this person (their home, branch or roles)."""
    return person_list_visible_to(actor, Capability.POINTS_MANAGE).filter(pk=person.pk).exists()


def can_view_ledger_of(actor: Actor, person: Person) -> bool:
    """A person reads their own ledger; points staff read the ledgers of people in their scope."""
    if actor.person_id is not None and actor.person_id == person.pk:
        return True
    return can_manage_ledger_of(actor, person)


def access_ledger_person_by_id(actor: Actor, person_id: int) -> Person:
    """Return the person whose ledger the actor may read; 404 for missing and not-yours alike."""
    if actor.person is not None and actor.person_id == person_id:
        return actor.person
    try:
        return person_list_visible_to(actor, Capability.POINTS_MANAGE).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_correct_entry(actor: Actor, entry: LedgerEntry) -> bool:
    """Corrections are made where the service was given: points staff of that community, or the street."""
    if actor.is_system:
        return True
    if not entry.scope_path:
        return False
    return actor.can(Capability.POINTS_MANAGE, entry.scope_path)


def ensure_can_correct_entry(actor: Actor, entry: LedgerEntry) -> None:
    if not can_correct_entry(actor, entry):
        raise PermissionDenied(_("You may not correct this entry."))


def access_entry_by_id(actor: Actor, entry_id: int) -> LedgerEntry:
    """Return a ledger entry the actor may correct; 404 otherwise."""
    entry = LedgerEntry.objects.select_related("rule", "person").filter(pk=entry_id).first()
    if entry is None or not can_correct_entry(actor, entry):
        raise Http404
    return entry


def can_manage_rules(actor: Actor) -> bool:
    """Rules hold for the whole street, so only points staff at street level (or above) edit them."""
    return actor.holds_at_street_level(Capability.POINTS_MANAGE)


def ensure_can_manage_rules(actor: Actor) -> None:
    if not can_manage_rules(actor):
        raise PermissionDenied(_("Only the street administration may change the points rules."))


def ensure_can_issue_certificate(actor: Actor, person: Person) -> None:
    """A person issues their own certificate; points staff issue them for people in their scope."""
    if actor.is_system:
        return
    if not can_view_ledger_of(actor, person):
        raise PermissionDenied(_("You may not issue a certificate for this person."))


def access_certificate_by_number(actor: Actor, number: str) -> ServiceCertificate:
    """Return the full certificate for its holder and for points staff over the holder; 404 otherwise."""
    certificate = ServiceCertificate.objects.select_related("person").filter(number=number.strip().upper()).first()
    if certificate is None or not (actor.is_system or can_view_ledger_of(actor, certificate.person)):
        raise Http404
    return certificate
