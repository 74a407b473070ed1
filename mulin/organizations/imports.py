"""Importing residents and party members from the spreadsheets street offices keep today.

One row per person, Chinese column headers (English ones are accepted too); see COLUMNS and
the downloadable template. The file goes through `core.spreadsheets` (size, type, zip-bomb and
row checks before anything is parsed), unit names are resolved to units the actor can see,
and `person_bulk_register` writes all rows or none and audits the import once. Errors found
while reading the rows and errors found by the bulk service are merged into one report, so a
worker fixes the whole file in one round.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mulin.core.exceptions import StateConflict
from mulin.core.normalizers import id_number_check_digit
from mulin.core.spreadsheets import Row, Sheet, SpreadsheetError, header_key, read_table, write_xlsx
from mulin.organizations.bulk import PersonDraft, RowErrors, person_bulk_register
from mulin.organizations.models import OrgUnit, PartyMembership, Skill
from mulin.organizations.roles import Capability
from mulin.organizations.scoping import Actor
from mulin.organizations.selectors import orgunit_list_visible_to, orgunit_list_where

K = OrgUnit.Kind
DATA_SHEET = "人员"  # the sheet read first; its name is part of the file format, like the headers


@dataclass(frozen=True)
class Column:
    """One column of the people file: its key, the Chinese header the template writes, what it
    means (for the user's language) and other headers accepted for it."""

    key: str
    header: str
    label: Promise
    aliases: tuple[str, ...] = ()
    width: int = 14
    text: bool = False  # formatted as text in the template so Excel keeps long numbers intact


COLUMNS: tuple[Column, ...] = (
    Column("full_name", "姓名", gettext_lazy("Name"), ("名字", "name", "full name"), 10),
    Column(
        "phone",
        "手机号",
        gettext_lazy("Mobile number"),
        ("手机", "手机号码", "联系电话", "电话", "移动电话", "mobile", "mobile number", "phone", "phone number"),
        15,
        True,
    ),
    Column(
        "id_number",
        "身份证号",
        gettext_lazy("ID number"),
        ("身份证", "身份证号码", "公民身份号码", "证件号码", "id number", "id card number"),
        21,
        True,
    ),
    Column("community", "社区", gettext_lazy("Community"), ("所在社区", "所属社区", "community"), 12),
    Column("compound", "小区", gettext_lazy("Residential compound"), ("所在小区", "compound"), 12),
    Column("building", "楼栋", gettext_lazy("Building"), ("楼幢", "楼号", "幢", "building"), 10),
    Column("address", "地址", gettext_lazy("Address"), ("住址", "家庭住址", "居住地址", "详细地址", "address"), 24),
    Column(
        "branch",
        "党组织/所在支部",
        gettext_lazy("Party branch"),
        ("党组织", "所在支部", "所在党支部", "党支部", "支部", "party branch", "branch"),
        22,
    ),
    Column("party_status", "党员状态", gettext_lazy("Party status"), ("党员类别", "party status"), 12),
    Column("joined_on", "入党日期", gettext_lazy("Joined the party on"), ("入党时间", "joined on", "join date"), 12),
    Column(
        "volunteer_skills",
        "志愿者技能",
        gettext_lazy("Volunteer skills"),
        ("技能", "志愿服务技能", "volunteer skills", "skills"),
        20,
    ),
    # Written by the export, empty for new people: a re-import finds the record by it, also for a
    # person with neither phone nor ID number (an elderly resident registered by name only).
    Column("record", "人员编号", gettext_lazy("Record number"), ("编号", "record number", "record no"), 10, True),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HOME_COLUMNS = ("community", "compound", "building")

# Party status as street offices write it; the codes and the labels in every language are
# accepted too (see _party_status_lookup).
PARTY_STATUS_NAMES: dict[str, str] = {
    "正式党员": PartyMembership.Status.FULL,
    "预备党员": PartyMembership.Status.PROBATIONARY,
    "入党申请人": PartyMembership.Status.APPLICANT,
}
# Volunteer skills in the words of the files; the first name is the one written on export.
SKILL_NAMES: dict[str, tuple[str, ...]] = {
    Skill.REPAIR: ("家电维修", "维修", "家政维修"),
    Skill.ELDERLY_CARE: ("助老服务", "助老", "为老服务", "养老护理"),
    Skill.MEDICAL: ("医疗健康", "医疗", "医护", "健康咨询"),
    Skill.TUTORING: ("课业辅导", "辅导", "家教"),
    Skill.LEGAL: ("法律咨询", "法律"),
    Skill.IT: ("手机电脑", "数码", "电脑", "智能手机"),
    Skill.ARTS: ("文化艺术", "文艺", "文体"),
    Skill.DRIVING: ("驾驶", "开车"),
    Skill.COUNSELLING: ("心理疏导", "倾听陪伴", "心理咨询"),
    Skill.CLEANING: ("环境保洁", "保洁", "环保", "环境卫生"),
}
_SKILL_SPLIT = re.compile(r"[,，、;；/／\s]+")
_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
    re.compile(r"(\d{4})[-/.年](\d{1,2})月?()"),
)
_PARTY_FOUNDED = dt.date(1921, 7, 1)


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: the row as the spreadsheet shows it, the column header as
    written in the file, and a message in the user's language."""

    row: int
    column: str
    field: str
    message: str


@dataclass
class ImportReport:
    """What an import did (created/updated/unchanged) or, when `errors` is not empty, why it
    did nothing."""

    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def summary(self) -> str:
        values = {
            "count": self.error_rows,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.errors:
            return (
                ngettext(
                    "%(count)d row (of %(rows)d) has errors; nothing was imported. Fix it and upload again.",
                    "%(count)d rows (of %(rows)d) have errors; nothing was imported. Fix them and upload again.",
                    self.error_rows,
                )
                % values
            )
        return (
            ngettext(
                "Imported %(rows)d row: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
                "Imported %(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
                self.rows,
            )
            % values
        )


# --- Reading the header and the rows ------------------------------------------------------------


def _key(text: str) -> str:
    # "手机号（必填）" and "手机号 *" mean 手机号.
    return header_key(re.sub(r"[(（][^)）]*[)）]\s*$", "", unicodedata.normalize("NFKC", text)))


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        names = [column.header, *column.aliases]
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.append(str(column.label))
        for name in names:
            lookup.setdefault(_key(name), column.key)
    return lookup


def _map_header(header: Sequence[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Column key → index, column key → header text as written, and the ignored headers."""
    lookup = _header_lookup()
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    for position, text in enumerate(header):
        key = lookup.get(_key(text)) if text else None
        if key is None:
            if text:
                ignored.append(text)
            continue
        if key in index:
            raise SpreadsheetError(
                _("The columns “%(first)s” and “%(second)s” mean the same thing; keep only one.")
                % {"first": written[key], "second": text},
                code="duplicate_column",
            )
        index[key], written[key] = position, text
    if "full_name" not in index:
        raise SpreadsheetError(
            _("The column “%(name)s” is missing; download the template to see the expected columns.")
            % {"name": COLUMN_BY_KEY["full_name"].header},
            code="missing_column",
        )
    if not any(key in index for key in HOME_COLUMNS):
        raise SpreadsheetError(
            _("The file needs at least one of the columns %(columns)s.")
            % {"columns": "、".join(COLUMN_BY_KEY[key].header for key in HOME_COLUMNS)},
            code="missing_column",
        )
    if "phone" not in index and "id_number" not in index:
        raise SpreadsheetError(
            _("The file needs at least one of the columns %(columns)s.")
            % {"columns": "、".join(COLUMN_BY_KEY[key].header for key in ("phone", "id_number"))},
            code="missing_column",
        )
    return index, written, ignored


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _labels_in_every_language(choices: Iterable[tuple[str, Promise]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices:
        lookup[_fold(value)] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup.setdefault(_fold(str(label)), value)
    return lookup


def _party_status_lookup() -> dict[str, str]:
    lookup = {_fold(name): value for name, value in PARTY_STATUS_NAMES.items()}
    lookup.update(_labels_in_every_language(PartyMembership.Status.choices))
    return lookup


def _skill_lookup() -> dict[str, str]:
    lookup = {_fold(name): value for value, names in SKILL_NAMES.items() for name in names}
    lookup.update(_labels_in_every_language(Skill.choices))
    return lookup


def parse_date(text: str) -> dt.date | None:
    """A date as people write it in spreadsheets: 2001-07-01, 2001/7/1, 2001年7月1日,
    20010701, or only year and month (2001-07, 2001年7月: the first of the month)."""
    text = unicodedata.normalize("NFKC", text).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = match.groups()
            try:
                return dt.date(int(year), int(month), int(day or 1))
            except ValueError:
                return None
    return None


class _UnitIndex:
    """The units an import may name, looked up by kind and name without further queries."""

    def __init__(self, units: Iterable[OrgUnit]) -> None:
        self.by_name: dict[tuple[str, str], list[OrgUnit]] = defaultdict(list)
        self.by_path: dict[str, OrgUnit] = {}
        for unit in units:
            self.by_name[(unit.kind, _fold(unit.name))].append(unit)
            self.by_path[unit.path] = unit

    def find(self, kinds: Iterable[str], names: Iterable[str], within: OrgUnit | None) -> list[OrgUnit]:
        found: dict[int, OrgUnit] = {}
        for name in names:
            for kind in kinds:
                for unit in self.by_name.get((kind, _fold(name)), []):
                    if within is None or unit.path.startswith(within.path):
                        found[unit.pk] = unit
            if found:  # the exact spelling wins over the expanded ones
                break
        return list(found.values())

    def community_of(self, unit: OrgUnit) -> OrgUnit | None:
        for path in [unit.path, *reversed(unit.ancestor_paths)]:
            candidate = self.by_path.get(path)
            if candidate is not None and candidate.kind == K.COMMUNITY:
                return candidate
        return None


@dataclass
class _RowReader:
    """Turns one row into a PersonDraft, noting each problem against the column it is in."""

    columns: dict[str, int]
    units: _UnitIndex
    party_statuses: dict[str, str]
    skills: dict[str, str]
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    home_column: dict[int, str] = field(default_factory=dict)

    def cell(self, row: Row, key: str) -> str:
        position = self.columns.get(key)
        return row.values[position] if position is not None else ""

    def error(self, row: Row, key: str, message: str) -> None:
        self.errors.setdefault(row.number, {}).setdefault(key, []).append(message)

    def errors_in(self, row: Row, key: str) -> bool:
        return bool(self.errors.get(row.number, {}).get(key))

    def record(self, row: Row) -> int | None:
        text = unicodedata.normalize("NFKC", self.cell(row, "record")).strip().removeprefix("#")
        if not text:
            return None
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            self.error(
                row,
                "record",
                _("“%(value)s” is not a record number; leave the cell empty for a person not yet registered.")
                % {"value": self.cell(row, "record")},
            )
            return None
        return int(text)

    def draft(self, row: Row) -> PersonDraft:
        self.formulas(row)
        full_name = self.cell(row, "full_name")
        if any(unicodedata.category(char) in {"Cc", "Cf"} for char in full_name):
            self.error(row, "full_name", _("The name contains invisible or control characters."))
        home = self.home(row)
        branch = self.branch(row, home)
        status = self.party_status(row, branch_given=bool(self.cell(row, "branch")))
        skills = self.volunteer_skills(row)
        return PersonDraft(
            row=row.number,
            record=self.record(row),
            full_name=full_name,
            home_unit=home,
            phone=self.cell(row, "phone"),
            id_number=self.cell(row, "id_number"),
            address=self.cell(row, "address"),
            branch=branch,
            # A name that is none of the actor's branches: the bulk service accepts it only as
            # the branch the person already belongs to (a partner unit's, another community's).
            branch_name=self.cell(row, "branch") if branch is None and not self.errors_in(row, "branch") else "",
            party_status=status,
            joined_on=self.joined_on(row, has_status=bool(status)),
            volunteer_skills=skills,
            volunteer_community=self.units.community_of(home) if home is not None and skills else None,
        )

    def formulas(self, row: Row) -> None:
        """A formula cell (=HYPERLINK(...), =A2&B2) is refused with a message, never stored as
        empty or as a stale cached result."""
        for key, position in self.columns.items():
            if position in row.formulas:
                self.error(row, key, _("This cell holds a formula; type the value itself (formulas are not imported)."))

    def home(self, row: Row) -> OrgUnit | None:
        """The most precise of community, compound and building, each looked up inside the one
        before it."""
        community_name, compound_name, building_name = (self.cell(row, key) for key in HOME_COLUMNS)
        self.home_column[row.number] = next((key for key in reversed(HOME_COLUMNS) if self.cell(row, key)), "community")
        if not (community_name or compound_name or building_name):
            self.error(row, "community", _("Fill in the community, compound or building where the person lives."))
            return None
        community = compound = building = None
        if community_name:
            community = self.one(row, "community", [K.COMMUNITY], [community_name, f"{community_name}社区"], None)
            if community is None:
                return None
        if compound_name:
            compound = self.one(row, "compound", [K.COMPOUND], [compound_name], community)
            if compound is None:
                return None
        if building_name:
            names = [building_name]
            if compound is not None:
                names += [f"{compound.name}{building_name}", f"{compound.name}{building_name}幢"]
            building = self.one(row, "building", [K.BUILDING], names, compound or community)
            if building is None:
                return None
        return building or compound or community

    def one(self, row: Row, key: str, kinds: list[str], names: list[str], within: OrgUnit | None) -> OrgUnit | None:
        found = self.units.find(kinds, names, within)
        if len(found) == 1:
            return found[0]
        self.home_column[row.number] = key
        values = {"name": names[0], "within": within.name if within else ""}
        if found:
            message = _("Several places are named “%(name)s”; fill in the community or compound column too.")
        elif key == "community":
            message = _("There is no community named “%(name)s” that you can see.")
        elif key == "compound":
            message = (
                _("There is no compound named “%(name)s” in %(within)s.")
                if within
                else _("There is no compound named “%(name)s” that you can see.")
            )
        else:
            message = (
                _("There is no building named “%(name)s” in %(within)s.")
                if within
                else _("There is no building named “%(name)s” that you can see.")
            )
        self.error(row, key, message % values)
        return None

    def branch(self, row: Row, home: OrgUnit | None) -> OrgUnit | None:
        name = self.cell(row, "branch")
        if not name:
            return None
        found = self.units.find([K.BRANCH, K.PARTY_GROUP], [name], None)
        if len(found) > 1 and home is not None:
            # Branch names repeat across communities ("第一支部"); prefer the person's own.
            community = self.units.community_of(home)
            local = [unit for unit in found if community is not None and unit.path.startswith(community.path)]
            found = local or found
        if len(found) == 1:
            return found[0]
        if found:
            self.error(
                row, "branch", _("Several party branches are named “%(name)s”; use the full name.") % {"name": name}
            )
        # None found: the bulk service decides (see PersonDraft.branch_name).
        return None

    def party_status(self, row: Row, *, branch_given: bool) -> str:
        text = self.cell(row, "party_status")
        if not text:
            return ""
        if not branch_given:
            self.error(row, "branch", _("Name the party branch of this member."))
        status = self.party_statuses.get(_fold(text))
        if status is None:
            self.error(
                row,
                "party_status",
                _("Unknown party status “%(value)s”; write one of: %(choices)s.")
                % {"value": text, "choices": "、".join(PARTY_STATUS_NAMES)},
            )
            return text  # the bulk service refuses it too, so the row cannot slip through
        return status

    def joined_on(self, row: Row, *, has_status: bool) -> dt.date | None:
        text = self.cell(row, "joined_on")
        if not text:
            return None
        date = parse_date(text)
        if date is None:
            self.error(row, "joined_on", _("“%(value)s” is not a date; write it like 2001-07-01.") % {"value": text})
        elif date > timezone.localdate():
            self.error(row, "joined_on", _("The join date cannot be in the future."))
        elif date < _PARTY_FOUNDED:
            self.error(row, "joined_on", _("The join date is before the Party was founded."))
        elif not has_status:
            self.error(row, "party_status", _("A join date is given; fill in the party status too."))
        return date

    def volunteer_skills(self, row: Row) -> list[str]:
        skills: list[str] = []
        for word in _SKILL_SPLIT.split(self.cell(row, "volunteer_skills")):
            if not word:
                continue
            skill = self.skills.get(_fold(word))
            if skill is None:
                self.error(row, "volunteer_skills", _("Unknown skill “%(value)s”.") % {"value": word})
            elif skill not in skills:
                skills.append(skill)
        return skills


# --- The import ---------------------------------------------------------------------------------


class _Discard(Exception):
    """Roll back a bulk write that succeeded while other rows had errors."""


# Fields the bulk service reports on, and the column each one is read from.
_FIELD_COLUMN = {
    "full_name": "full_name",
    "phone": "phone",
    "id_number": "id_number",
    "address": "address",
    "branch": "branch",
    "party_status": "party_status",
    "volunteer_skills": "volunteer_skills",
    "record": "record",
}


def people_import(*, actor: Actor, upload: IO[bytes] | bytes, filename: str) -> ImportReport:
    """Import people from an .xlsx or .csv file, all rows or none.

    Raise PermissionDenied without PEOPLE_MANAGE, SpreadsheetError when the file as a whole is
    refused, StateConflict when a concurrent import registered the same people first. Bad rows
    do not raise: the report lists them (row, column, message) and nothing is written.
    """
    if not actor.can_anywhere(Capability.PEOPLE_MANAGE):
        raise PermissionDenied(_("You may not import people."))
    table = read_table(upload, filename=filename, sheet_name=DATA_SHEET)
    columns, written, ignored = _map_header(table.header)
    if not table.rows:
        raise SpreadsheetError(_("The file has column names but no people."), code="file_empty")
    units = _UnitIndex(
        orgunit_list_visible_to(actor, kinds=[K.COMMUNITY, K.COMPOUND, K.BUILDING, K.BRANCH, K.PARTY_GROUP])
    )
    reader = _RowReader(columns, units, _party_status_lookup(), _skill_lookup())
    drafts = [reader.draft(row) for row in table.rows]
    report = ImportReport(rows=len(drafts), ignored_columns=ignored)
    bulk_errors: dict[int, dict[str, list[str]]] = {}
    try:
        with transaction.atomic():
            result = person_bulk_register(actor=actor, drafts=drafts, source="import")
            if reader.errors:
                raise _Discard
    except RowErrors as exc:
        bulk_errors = exc.rows
    except _Discard:
        pass
    except IntegrityError:
        # Two imports of overlapping files at once: the unique blind indexes let one win.
        raise StateConflict(
            _("Someone else registered some of these people at the same moment; upload the file again."),
            code="concurrent_import",
        ) from None
    else:
        report.created, report.updated, report.unchanged = result.created, result.updated, result.unchanged
        return report
    report.errors = _merge_errors(reader, bulk_errors, written)
    return report


def _merge_errors(
    reader: _RowReader, bulk_errors: dict[int, dict[str, list[str]]], written: dict[str, str]
) -> list[RowError]:
    """One list in row and column order; where reading a cell already failed, the bulk
    service's (vaguer) complaint about the same cell is dropped."""
    merged: dict[tuple[int, str], list[str]] = defaultdict(list)
    for row, fields in reader.errors.items():
        for key, messages in fields.items():
            merged[(row, key)].extend(messages)
    for row, fields in bulk_errors.items():
        for name, messages in fields.items():
            key = reader.home_column.get(row, "community") if name == "home_unit" else _FIELD_COLUMN.get(name, name)
            if key in reader.errors.get(row, {}):
                continue
            merged[(row, key)].extend(message for message in messages if message not in merged[(row, key)])
    order = {column.key: position for position, column in enumerate(COLUMNS)}
    errors: list[RowError] = []
    for (row, key), messages in sorted(merged.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99))):
        column = COLUMN_BY_KEY.get(key)
        header = written.get(key) or (column.header if column else key)
        errors.extend(RowError(row=row, column=header, field=key, message=message) for message in messages)
    return errors


# --- The template -------------------------------------------------------------------------------


def _example_id_number() -> str:
    first17 = "33010519800101001"
    return first17 + id_number_check_digit(first17)


def people_import_template(*, actor: Actor) -> bytes:
    """The .xlsx template: an empty people sheet with the expected headers (ID and phone
    columns formatted as text), instructions, and the valid values for this actor."""
    if not actor.can_anywhere(Capability.PEOPLE_MANAGE):
        raise PermissionDenied(_("You may not import people."))
    units = list(
        orgunit_list_where(actor, Capability.PEOPLE_MANAGE, kinds=[K.COMMUNITY, K.COMPOUND, K.BRANCH, K.PARTY_GROUP])
    )
    communities = [unit.name for unit in units if unit.kind == K.COMMUNITY]
    compounds = [unit.name for unit in units if unit.kind == K.COMPOUND]
    branches = [unit.name for unit in units if unit.kind in (K.BRANCH, K.PARTY_GROUP)]
    statuses = list(PARTY_STATUS_NAMES)
    skills = [names[0] for names in SKILL_NAMES.values()]
    position = {column.key: index for index, column in enumerate(COLUMNS)}
    people = Sheet(
        title=DATA_SHEET,
        header=[column.header for column in COLUMNS],
        widths=[column.width for column in COLUMNS],
        text_columns=[index for index, column in enumerate(COLUMNS) if column.text],
        choices={position["community"]: communities, position["party_status"]: statuses},
    )
    example = {
        "full_name": "张三",
        "phone": "13800138000",
        "id_number": _example_id_number(),
        "community": communities[0] if communities else "",
        "compound": compounds[0] if compounds else "",
        "building": "1幢",
        "address": "1单元101室",
        "branch": branches[0] if branches else "",
        "party_status": statuses[0],
        "joined_on": "2001-07-01",
        "volunteer_skills": "，".join(skills[:2]),
        "record": "",
    }
    explanations = {
        "full_name": _("Required. The person's name as on their ID card."),
        "phone": _("An 11-digit mobile number; +86, spaces and full-width digits are accepted."),
        "id_number": _(
            "The 18-character resident ID number; its check digit is verified. Keep this column formatted as text."
        ),
        "community": _("Where the person lives: community, compound and building, at least one of them."),
        "compound": _("A compound of the community; see the valid values."),
        "building": _("A building of the compound, e.g. 1幢 or just 1."),
        "address": _("Unit and room, e.g. 1单元101室."),
        "branch": _("Party members only: the full name of their branch; see the valid values."),
        "party_status": _("Party members only: one of the values in the drop-down list."),
        "joined_on": _("Party members only: the date they joined, e.g. 2001-07-01."),
        "volunteer_skills": _("Volunteers only: skills separated by commas; see the valid values."),
        "record": _(
            "Leave empty for new people. An export fills it in, so that importing the exported file again finds "
            "each person, also one with neither mobile number nor ID number."
        ),
    }
    instructions = Sheet(
        title=_("Instructions"),
        header=[_("Column"), _("Meaning"), _("How to fill it in"), _("Example")],
        rows=[[column.header, str(column.label), explanations[column.key], example[column.key]] for column in COLUMNS]
        + [
            [],
            [
                _("Whole file"),
                "",
                _(
                    "One person per row on the first sheet. A person already registered (same record number, same ID "
                    "number, or the same mobile number) is updated, not added twice. If any row has an error, nothing "
                    "is imported and every error is listed. At most %(rows)d rows and %(size)d MB per file."
                )
                % {
                    "rows": settings.MULIN_IMPORT_MAX_ROWS,
                    "size": settings.MULIN_IMPORT_MAX_BYTES // (1024 * 1024),
                },
                "",
            ],
        ],
        widths=[16, 18, 70, 24],
    )
    longest = max(len(communities), len(compounds), len(branches), len(statuses), len(skills))

    def at(values: list[str], index: int) -> str:
        return values[index] if index < len(values) else ""

    valid_values = Sheet(
        title=_("Valid values"),
        header=[COLUMN_BY_KEY[key].header for key in ("community", "compound", "branch", "party_status")]
        + [COLUMN_BY_KEY["volunteer_skills"].header],
        rows=[
            [at(communities, i), at(compounds, i), at(branches, i), at(statuses, i), at(skills, i)]
            for i in range(longest)
        ],
        widths=[16, 16, 26, 12, 14],
    )
    return write_xlsx([people, instructions, valid_values])


def template_filename() -> str:
    return "people-import-template.xlsx"
