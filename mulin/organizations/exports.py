"""Exporting the people an actor may see as an .xlsx file, in the import file's format.

Masked by default (138****8000); full values only for holders of PEOPLE_REVEAL, and then only
for the people in their reveal scope. Every export writes exactly one audit row (count, masked
or full; never a value). Cells are formula-neutralised by the writer, and the workbook carries
a sheet naming who exported it and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from mulin.core.audit import audit_record
from mulin.core.exceptions import ServiceUnavailable
from mulin.core.masking import mask_address, mask_id_number, mask_phone
from mulin.core.ratelimit import CounterUnavailable, RateLimited, count_in_window
from mulin.core.spreadsheets import XLSX_CONTENT_TYPE, Sheet, write_xlsx
from mulin.organizations.imports import COLUMNS, DATA_SHEET, PARTY_STATUS_NAMES, SKILL_NAMES
from mulin.organizations.models import OrgUnit, Person
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import person_list_visible_to, person_search

K = OrgUnit.Kind
_STATUS_NAMES = {value: name for name, value in PARTY_STATUS_NAMES.items()}


@dataclass(frozen=True)
class PeopleExport:
    content: bytes
    filename: str
    count: int
    full: bool
    content_type: str = XLSX_CONTENT_TYPE


def can_export_people(actor: Actor) -> bool:
    return actor.can_anywhere(Capability.PEOPLE_VIEW)


def can_export_people_in_full(actor: Actor) -> bool:
    """Whether the actor may export unmasked phone, ID number and address (for the people in
    their PEOPLE_REVEAL scope)."""
    return actor.can_anywhere(Capability.PEOPLE_VIEW) and actor.can_anywhere(Capability.PEOPLE_REVEAL)


def _ancestors(people: list[Person]) -> dict[str, OrgUnit]:
    """The units above the people's homes, by path, loaded in one query per 500 paths."""
    paths = sorted(
        {
            path
            for person in people
            if person.home_unit is not None
            for path in [*person.home_unit.ancestor_paths, person.home_unit.path]
        }
    )
    units: dict[str, OrgUnit] = {}
    for start in range(0, len(paths), 500):
        units.update({unit.path: unit for unit in OrgUnit.objects.filter(path__in=paths[start : start + 500])})
    return units


def _home_names(person: Person, units: dict[str, OrgUnit]) -> tuple[str, str, str]:
    names: dict[str, str] = {K.COMMUNITY: "", K.COMPOUND: "", K.BUILDING: ""}
    if person.home_unit is not None:
        for path in [*person.home_unit.ancestor_paths, person.home_unit.path]:
            unit = units.get(path)
            if unit is not None and unit.kind in names:
                names[unit.kind] = unit.name
    return names[K.COMMUNITY], names[K.COMPOUND], names[K.BUILDING]


def _rows(people: list[Person], *, full: bool) -> Iterable[list[str]]:
    units = _ancestors(people)
    for person in people:
        membership = getattr(person, "party_membership", None)
        profile = getattr(person, "volunteer_profile", None)
        joined = membership.joined_on if membership is not None else ""
        community, compound, building = _home_names(person, units)
        yield [
            person.full_name,
            person.phone if full else mask_phone(person.phone),
            person.id_number if full else mask_id_number(person.id_number),
            community,
            compound,
            building,
            person.address if full else mask_address(person.address),
            membership.branch.name if membership is not None else "",
            _STATUS_NAMES.get(membership.status, membership.status) if membership is not None else "",
            # The exact join date is party data; a masked export keeps the year only.
            (joined if full else joined[:4]) if joined else "",
            "，".join(SKILL_NAMES[skill][0] if skill in SKILL_NAMES else skill for skill in profile.skills)
            if profile is not None
            else "",
            str(person.pk),
        ]


def _export_rate_check(actor: Actor) -> None:
    """At most MULIN_EXPORT_RATE_PER_HOUR exports per account per hour: a stolen or misused
    staff account cannot copy the register file by file. Fails closed, like sign-in."""
    if actor.is_system or actor.user is None:
        return
    try:
        count = count_in_window("export", f"user:{actor.user.pk}", window_seconds=3600)
    except CounterUnavailable as exc:
        raise ServiceUnavailable(_("Exports are temporarily unavailable. Please try again in a few minutes.")) from exc
    if count > settings.MULIN_EXPORT_RATE_PER_HOUR:
        raise RateLimited(
            _("You have exported %(count)s times this hour, the most allowed. Please try again next hour.")
            % {"count": settings.MULIN_EXPORT_RATE_PER_HOUR}
        )


def people_export(*, actor: Actor, full: bool = False, query: str = "", unit: OrgUnit | None = None) -> PeopleExport:
    """The people visible to the actor (optionally by name and by unit) as an .xlsx file,
    masked unless `full`; writes exactly one audit row.

    `unit` must already be scoped to the actor (the caller fetches it with
    access_orgunit_by_id). Raise PermissionDenied without PEOPLE_VIEW, or for `full` without
    PEOPLE_REVEAL; RateLimited past the hourly limit.
    """
    if not can_export_people(actor):
        raise PermissionDenied(_("You may not export the list of people."))
    if full and not can_export_people_in_full(actor):
        raise PermissionDenied(_("You may not export people's full details."))
    _export_rate_check(actor)
    people_qs = person_search(actor, query=query, unit=unit).select_related("volunteer_profile")
    if full:
        # Full values only for people whose details the actor may reveal one by one, too.
        people_qs = people_qs.filter(pk__in=person_list_visible_to(actor, Capability.PEOPLE_REVEAL).values("pk"))
    people = list(people_qs)
    now = timezone.localtime()
    exporter = actor.person
    about = Sheet(
        title=_("About this export"),
        header=[_("Item"), _("Value")],
        rows=[
            [_("Exported by"), f"{exporter.full_name} (#{exporter.pk})" if exporter is not None else _("System")],
            [_("Exported at"), now.strftime("%Y-%m-%d %H:%M")],
            [_("People"), len(people)],
            [_("Personal details"), _("Full") if full else _("Masked")],
            [
                _("Notice"),
                _(
                    "This file holds personal information. Use it only for the task it was exported for, do not pass "
                    "it on, and delete it when the task is done."
                ),
            ],
        ],
        widths=[16, 80],
    )
    content = write_xlsx(
        [
            Sheet(
                title=DATA_SHEET,
                header=[column.header for column in COLUMNS],
                rows=_rows(people, full=full),
                widths=[column.width for column in COLUMNS],
                text_columns=[index for index, column in enumerate(COLUMNS) if column.text],
            ),
            about,
        ]
    )
    audit_record(
        actor=actor.person,
        verb="people.exported",
        scope_path=unit.path if unit is not None else "",
        data={"count": len(people), "full": full, "format": "xlsx", "filtered": bool(query or unit)},
    )
    kind = "full" if full else "masked"
    return PeopleExport(content=content, filename=f"people-{kind}-{now:%Y%m%d-%H%M}.xlsx", count=len(people), full=full)
