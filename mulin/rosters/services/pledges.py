"""The community's responsibility pledge (责任保证书): organisers publish versions; party members
and volunteers sign before taking duty; the public wall shows who signed (亮身份)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.exceptions import StateConflict
from mulin.core.masking import mask_name
from mulin.organizations.models import OrgUnit, PartyMembership
from mulin.organizations.scoping import Actor
from mulin.rosters.models import Pledge, PledgeSignature
from mulin.rosters.permissions import ensure_can_manage_rosters, ensure_can_take_duty
from mulin.rosters.selectors import pledge_current
from mulin.rosters.services.common import audit, clean_text

TITLE_MAX = 60
BODY_MAX = 3000


@transaction.atomic
def pledge_publish(*, actor: Actor, community: OrgUnit, title: str, body: str) -> Pledge:
    """Publish a new version of the community's pledge; signatures of earlier versions stay valid
    and keep the version they were given to."""
    ensure_can_manage_rosters(actor, community.path)
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, message=_("Give the pledge a title."))
    body = clean_text(body, field="body", max_length=BODY_MAX, required=True, message=_("Write the pledge's text."))
    OrgUnit.objects.select_for_update().filter(pk=community.pk).first()  # versions are numbered one at a time
    latest = Pledge.objects.filter(community=community).aggregate(v=Max("version"))["v"] or 0
    pledge = Pledge.objects.create(
        community=community, version=latest + 1, title=title, body=body, published_by=actor.person
    )
    audit("pledge_published", actor, pledge, community.path, version=pledge.version)
    return pledge


@transaction.atomic
def pledge_sign(*, actor: Actor, pledge: Pledge) -> PledgeSignature:
    """Sign the community's current pledge (time and version recorded). Signing the same version
    twice is refused with 409; signing a newer version adds a line."""
    ensure_can_take_duty(actor, pledge.community)
    person = actor.person
    assert person is not None
    current = pledge_current(pledge.community)
    if current is None or current.pk != pledge.pk:
        raise StateConflict(
            _("A newer version of the pledge has been published; read and sign that one."), code="pledge_outdated"
        )
    signature = PledgeSignature(
        pledge=pledge,
        community=pledge.community,
        person=person,
        public_name=person.full_name if person.shows_full_name else mask_name(person.full_name),
        is_party_member=PartyMembership.objects.filter(person=person).exists(),
        signed_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            signature.save(force_insert=True)
    except IntegrityError:
        raise StateConflict(_("You have already signed this pledge."), code="pledge_already_signed") from None
    audit("pledge_signed", actor, signature, pledge.community.path, version=pledge.version)
    return signature
