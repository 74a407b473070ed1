"""Helpers shared by the roundtable services: history, audit, notifications, handlers, photos."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.core.photos import photo_clean, photo_store
from mulin.notifications.services import notification_send
from mulin.organizations.models import Person, RoleAssignment
from mulin.organizations.roles import ROLE_SPECS, Capability
from mulin.organizations.scoping import Actor, unit_ancestor_paths
from mulin.roundtable.models import Topic, TopicEvent, TopicPhoto

MAX_PHOTOS = 3
HANDLER_ROLES = tuple(role for role, spec in ROLE_SPECS.items() if Capability.TOPIC_HANDLE in spec.capabilities)


def event(topic: Topic, verb: str, *, actor: Person | None, note: str = "", **fields: Any) -> TopicEvent:
    return TopicEvent.objects.create(
        topic=topic, verb=verb, actor=actor, note=note, created_at=timezone.now(), **fields
    )


def audit(verb: str, actor: Actor | None, target: Any, scope_path: str, **data: Any) -> None:
    audit_record(
        verb=f"roundtable.{verb}",
        actor=actor.person if actor else None,
        target=target,
        scope_path=scope_path,
        data=data,
    )


def notify(kind: str, recipients: Iterable[Person | None], topic: Topic, **params: Any) -> None:
    notification_send(
        kind=kind,
        recipients=[p for p in recipients if p is not None],
        params={"title": topic.title, "number": topic.pk, **params},
        url=topic.get_absolute_url(),
    )


def level_handlers(level_path: str) -> list[Person]:
    """The people who handle topics at the unit with this path: holders of a handling role at the
    unit, else at the nearest unit above it that has some (a building has none of its own: its
    community's staff handle it)."""
    paths = unit_ancestor_paths(level_path)
    assignments = RoleAssignment.objects.filter(unit__path__in=paths, role__in=HANDLER_ROLES).select_related(
        "person", "unit"
    )
    by_path: dict[str, list[Person]] = {}
    for assignment in assignments:
        if assignment.person.is_active:
            by_path.setdefault(assignment.unit.path, []).append(assignment.person)
    for path in reversed(paths):
        if by_path.get(path):
            return by_path[path]
    return []


def clean_photos(photos: Sequence[Any]) -> list[Any]:
    """Check and re-encode uploaded photos before anything is written."""
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("Add at most %(n)s photos.") % {"n": MAX_PHOTOS}]})
    return [photo_clean(photo) for photo in photos]


def store_photos(topic: Topic, cleaned: Sequence[Any], *, by: Person | None, progress: Any = None) -> None:
    for clean in cleaned:
        photo_uuid, name = photo_store(clean, folder="roundtable")
        TopicPhoto.objects.create(
            uuid=photo_uuid,
            topic=topic,
            progress=progress,
            uploaded_by=by,
            file_name=name,
            content_type=clean.content_type,
            width=clean.width,
            height=clean.height,
            size_bytes=len(clean.content),
        )


def notify_people(kind: str, recipients: Iterable[Person], target: Any, **params: Any) -> None:
    """Tell `recipients` about a topic or a roundtable (its number, title and `params`)."""
    notification_send(
        kind=kind,
        recipients=list(recipients),
        params={"title": getattr(target, "title", ""), "number": target.pk, **params},
        url=target.get_absolute_url(),
    )
