"""The organisation tree: what may sit where, paths, and the one-query subtree."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from mulin.core.models import AuditEvent
from mulin.organizations.models import OrgUnit, Role
from mulin.organizations.scoping import Actor, path_successor, subtree_q
from mulin.organizations.selectors import orgunit_list_visible_to
from mulin.organizations.services import MAX_DEPTH, orgunit_create
from mulin.organizations.tests.factories import SYSTEM, actor, make_person

pytestmark = pytest.mark.django_db
K = OrgUnit.Kind


def _create(parent: OrgUnit | None, kind: str, name: str, **extra) -> OrgUnit:  # type: ignore[no-untyped-def]
    return orgunit_create(actor=SYSTEM, parent=parent, kind=kind, name=name, **extra)


# --- orgunit_create -----------------------------------------------------------------------------


def test_path_is_parent_path_plus_own_zero_padded_id_and_depth_counts_levels(street):
    branch = street.nanyuan_branch

    assert street.district.path == f"{street.district.pk:07d}"
    assert street.district.depth == 0
    assert street.street.path == street.district.path + f"{street.street.pk:07d}"
    assert branch.path == street.nanyuan_party.path + f"{branch.pk:07d}"
    assert branch.depth == 4
    assert [len(p) for p in branch.ancestor_paths] == [7, 14, 21, 28]
    assert branch.ancestor_paths[-1] == street.nanyuan_party.path


@pytest.mark.parametrize(
    ("parent_attr", "kind"),
    [
        ("street", K.BUILDING),  # a building belongs in a compound
        ("nanyuan", K.STREET),
        ("nanyuan_compound", K.BRANCH),
        ("nanyuan_branch", K.COMMUNITY),
        ("nanyuan_building", K.BUILDING),
        ("partner", K.COMPOUND),
    ],
)
def test_kind_that_cannot_sit_under_parent_is_refused_and_nothing_is_created(street, parent_attr, kind):
    parent = getattr(street, parent_attr)
    before = OrgUnit.objects.count()

    with pytest.raises(ValidationError) as error:
        _create(parent, kind, "新单位")

    assert "kind" in error.value.message_dict
    assert OrgUnit.objects.count() == before


@pytest.mark.parametrize(
    ("parent_attr", "kind"),
    [
        ("street", K.COMMUNITY),
        ("street", K.PARTNER_UNIT),
        ("nanyuan", K.COMPOUND),
        ("nanyuan", K.TEAM),
        ("nanyuan_party", K.BRANCH),
        ("nanyuan_branch", K.PARTY_GROUP),
        ("nanyuan_compound", K.OWNERS_COMMITTEE),
        ("nanyuan_compound", K.PROPERTY_MANAGEMENT),
        ("partner", K.BRANCH),
    ],
)
def test_allowed_child_kinds_are_created(street, parent_attr, kind):
    parent = getattr(street, parent_attr)

    unit = _create(parent, kind, "新单位")

    assert unit.parent == parent
    assert unit.kind == kind


def test_root_may_only_be_a_district_or_street_and_only_the_system_creates_it(street):
    with pytest.raises(ValidationError):
        _create(None, K.COMMUNITY, "孤立社区")
    admin = make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street)
    with pytest.raises(PermissionDenied):
        orgunit_create(actor=actor(admin), parent=None, kind=K.DISTRICT, name="西湖区")
    assert not OrgUnit.objects.filter(name__in=["孤立社区", "西湖区"]).exists()


def test_duplicate_name_under_the_same_parent_is_refused(street):
    before = OrgUnit.objects.count()

    with pytest.raises(ValidationError):
        _create(street.street, K.COMMUNITY, "南苑社区")
    with pytest.raises(ValidationError):
        _create(street.street, K.COMMUNITY, "  南苑社区  ")  # the name is stripped first

    assert OrgUnit.objects.count() == before


def test_same_name_under_different_parents_is_allowed(street):
    first = _create(street.nanyuan, K.TEAM, "文艺队")
    second = _create(street.cuiyu, K.TEAM, "文艺队")

    assert first.pk != second.pk


def test_duplicate_root_name_is_refused(street):
    with pytest.raises(ValidationError):
        _create(None, K.DISTRICT, "拱墅区")


def test_unknown_or_protected_attributes_are_refused(street):
    before = OrgUnit.objects.count()
    for attributes in ({"path": "0000001"}, {"id": 999}, {"depth": 0}, {"created_at": None}, {"owner": 1}):
        with pytest.raises(ValidationError):
            _create(street.street, K.COMMUNITY, "新社区", **attributes)
    assert OrgUnit.objects.count() == before


def test_team_category_only_on_teams(street):
    with pytest.raises(ValidationError):
        _create(street.nanyuan, K.COMPOUND, "新小区", team_category=OrgUnit.TeamCategory.CULTURAL)

    team = _create(street.nanyuan, K.TEAM, "舞蹈队", team_category=OrgUnit.TeamCategory.CULTURAL)
    assert team.team_category == "cultural"


def test_tree_cannot_grow_deeper_than_the_path_column_holds(street):
    unit = _create(street.nanyuan, K.TEAM, "队0")
    while unit.depth < MAX_DEPTH - 1:
        unit = _create(unit, K.TEAM, f"队{unit.depth + 1}")
    assert len(unit.path) == OrgUnit._meta.get_field("path").max_length

    with pytest.raises(ValidationError):
        _create(unit, K.TEAM, "太深的队")


def test_street_admin_creates_inside_the_street_but_community_worker_cannot(street):
    admin = make_person(home=street.nanyuan_building, role=Role.STREET_ADMIN, at=street.street)
    worker = make_person(home=street.nanyuan_building, role=Role.COMMUNITY_WORKER, at=street.nanyuan)

    unit = orgunit_create(actor=actor(admin), parent=street.nanyuan, kind=K.COMPOUND, name="南九苑")
    with pytest.raises(PermissionDenied):
        orgunit_create(actor=actor(worker), parent=street.nanyuan, kind=K.COMPOUND, name="南十苑")

    assert unit.path.startswith(street.nanyuan.path)
    assert not OrgUnit.objects.filter(name="南十苑").exists()
    event = AuditEvent.objects.filter(verb="orgunit.created", target_id=str(unit.pk)).get()
    assert event.actor_person_id == admin.pk
    assert event.scope_path == unit.path


# --- subtree queries ----------------------------------------------------------------------------


def test_subtree_of_a_community_is_one_query_and_holds_exactly_its_descendants(street, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(OrgUnit.objects.filter(subtree_q("path", street.nanyuan.path)).values_list("name", flat=True))

    assert names == {"南苑社区", "南八苑", "南八苑1幢", "南苑社区党委", "南苑社区第一支部"}


def test_visible_tree_is_one_query_in_tree_order(street, django_assert_num_queries):
    resident = make_person(home=street.cuiyu_building)
    viewer = actor(resident)

    with django_assert_num_queries(1):
        units = list(orgunit_list_visible_to(viewer))
        parents = [unit.parent.name for unit in units]  # select_related: no query per unit

    assert [unit.name for unit in units] == ["翠玉社区", "集翠源", "集翠源1幢", "翠玉社区第一党支部"]
    assert parents[0] == "大关街道"


def _units_with_ids(ids_and_parents: list[tuple[int, int | None]]) -> dict[int, OrgUnit]:
    """Units with chosen ids (the collation edge cases need ids like 2 and 20)."""
    units: dict[int, OrgUnit] = {}
    for unit_id, parent_id in ids_and_parents:
        parent = units[parent_id] if parent_id else None
        path = (parent.path if parent else "") + f"{unit_id:07d}"
        kind = K.STREET if parent is None else K.COMMUNITY if parent.parent is None else K.COMPOUND
        units[unit_id] = OrgUnit.objects.create(
            id=unit_id, parent=parent, kind=kind, name=f"单位{unit_id}", path=path, depth=len(path) // 7 - 1
        )
    return units


# ids 2 and 20 (and 200): as unpadded text "2" is a prefix of "20" and sorts between "2" and "3";
# zero-padded segments keep 20's subtree out of 2's.
COLLATION_CASE = [(1, None), (2, 1), (3, 1), (20, 1), (21, 2), (200, 20), (22, 20), (4, 3)]


def _subtree_ids(path: str) -> set[int]:
    return set(OrgUnit.objects.filter(subtree_q("path", path)).values_list("id", flat=True))


def _assert_collation_case(units: dict[int, OrgUnit]) -> None:
    assert _subtree_ids(units[2].path) == {2, 21}
    assert _subtree_ids(units[20].path) == {20, 200, 22}
    assert _subtree_ids(units[3].path) == {3, 4}
    assert _subtree_ids(units[1].path) == {1, 2, 3, 4, 20, 21, 22, 200}
    # Tree order: every unit right after its parent's earlier descendants.
    ordered = list(
        OrgUnit.objects.filter(subtree_q("path", units[1].path)).order_by("path").values_list("id", flat=True)
    )
    assert ordered == [1, 2, 21, 3, 4, 20, 22, 200]


def test_subtree_of_id_2_does_not_contain_id_20(db):
    units = _units_with_ids(COLLATION_CASE)

    _assert_collation_case(units)


def test_path_successor_is_the_next_sibling_bound():
    assert path_successor("0000001") == "0000002"
    assert path_successor("00000010000009") == "00000010000010"
    assert path_successor("00000010009999") == "00000010010000"


@pytest.mark.postgres
@pytest.mark.parametrize("collation", ["und-x-icu", "zh-Hans-CN-x-icu", "en-US-x-icu"])
def test_subtree_is_correct_under_linguistic_collations_on_postgresql(db, collation):
    """Deployments may create the database with zh_CN or en_US collation instead of C."""
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE organizations_orgunit ALTER COLUMN path TYPE varchar(84) COLLATE "{collation}"')
    units = _units_with_ids(COLLATION_CASE)

    _assert_collation_case(units)


def test_actor_system_sees_every_unit(street):
    assert orgunit_list_visible_to(Actor.system()).count() == OrgUnit.objects.count()
