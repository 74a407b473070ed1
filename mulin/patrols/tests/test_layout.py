"""Rivers, segments and claims through the services: who may, what is checked, what a refusal
leaves unchanged."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mulin.core.exceptions import StateConflict
from mulin.core.models import AuditEvent
from mulin.organizations.tests.factories import actor
from mulin.patrols import services
from mulin.patrols.models import River, Segment, SegmentClaim

NOT_A_PAIR = "Point 2 is not a [latitude, longitude] pair (latitude −90 to 90, longitude −180 to 180)."
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
P, B = SegmentClaim.Role.PRIMARY, SegmentClaim.Role.BACKUP


def test_street_staff_add_a_river_and_the_community_lays_out_its_segment(cast):
    river = services.river_save(actor=actor(cast.street_admin), street=cast.street.street, name="上塘河")
    segment = services.segment_save(
        actor=actor(cast.nanyuan_worker),
        river=river,
        community=cast.street.nanyuan,
        name="南苑段",
        coordinates="[[30.3, 120.1], [30.301, 120.1]]",
        patrol_every_days=2,
    )

    assert (river.scope_path, segment.scope_path) == (cast.street.street.path, cast.street.nanyuan.path)
    assert segment.coordinates == [[30.3, 120.1], [30.301, 120.1]]
    assert segment.length_m == 111  # 0.001° of latitude
    assert segment.patrol_every_days == 2
    assert list(AuditEvent.objects.filter(verb__startswith="patrols.").order_by("id").values_list("verb", flat=True))[
        -2:
    ] == [
        "patrols.river_saved",
        "patrols.segment_saved",
    ]


def test_a_community_worker_may_not_add_a_river_nor_lay_out_another_communitys_segment(cast):
    rivers, segments = River.objects.count(), Segment.objects.count()

    with pytest.raises(PermissionDenied):
        services.river_save(actor=actor(cast.nanyuan_worker), street=cast.street.street, name="上塘河")
    with pytest.raises(PermissionDenied):
        services.segment_save(
            actor=actor(cast.nanyuan_worker), river=cast.river, community=cast.street.cuiyu, name="x", coordinates=[]
        )

    assert (River.objects.count(), Segment.objects.count()) == (rivers, segments)


@pytest.mark.parametrize(
    ("coordinates", "message"),
    [
        ("not json", "Give the course as a JSON list of [latitude, longitude] pairs."),
        ({"lat": 1}, "Give the course as a JSON list of [latitude, longitude] pairs."),
        ([[30.3, 120.1]], "A course has from 2 to 500 points (this has 1)."),
        ([[30.3, 120.1], [91, 120.1]], NOT_A_PAIR),
        ([[30.3, 120.1], [30.3, "east"]], NOT_A_PAIR),
        ([[30.3, 120.1], [True, 120.1]], NOT_A_PAIR),
        ([[30.3, 120.1]] * 501, "A course has from 2 to 500 points (this has 501)."),
    ],
)  # fmt: skip
def test_a_bad_course_is_refused_with_a_clear_message_and_nothing_written(cast, coordinates, message):
    before = Segment.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.segment_save(
            actor=actor(cast.nanyuan_worker),
            river=cast.river,
            community=cast.street.nanyuan,
            name="新段",
            coordinates=coordinates,
        )

    assert refused.value.message_dict == {"coordinates": [message]}
    assert Segment.objects.count() == before


def test_a_segment_outside_the_rivers_street_is_refused(cast):
    with pytest.raises(ValidationError) as refused:
        services.segment_save(
            actor=actor(cast.outsider),
            river=cast.river,
            community=cast.other_community,
            name="外段",
            coordinates=[[30.3, 120.1], [30.31, 120.1]],
        )

    assert refused.value.message_dict == {"community": ["Choose a community of the river's street."]}


def test_one_primary_and_backups_a_second_primary_is_a_conflict(cast):
    first = services.segment_claim(actor=actor(cast.member), segment=cast.segment, role=P)
    backup = services.segment_claim(actor=actor(cast.nanyuan_worker), segment=cast.segment, role=B)

    with pytest.raises(StateConflict):
        services.segment_claim(actor=actor(cast.street_admin), segment=cast.segment, role=P)
    with pytest.raises(StateConflict):
        services.segment_claim(actor=actor(cast.member), segment=cast.segment, role=B)

    claims = SegmentClaim.objects.filter(segment=cast.segment).order_by("id")
    assert [(c.person_id, c.role) for c in claims] == [(cast.member.pk, P), (cast.nanyuan_worker.pk, B)]
    assert (first.claimant_name, backup.claimant_name) == ("汪**", "南**")


def test_a_member_claims_a_segment_of_another_community_in_the_street_but_not_of_another_street(cast):
    services.segment_claim(actor=actor(cast.member), segment=cast.cuiyu_segment, role=P)

    with pytest.raises(PermissionDenied):
        services.segment_claim(actor=actor(cast.member), segment=cast.other_segment, role=P)
    assert SegmentClaim.objects.filter(segment=cast.other_segment).count() == 0


def test_a_resident_reads_but_does_not_claim(cast):
    with pytest.raises(PermissionDenied):
        services.segment_claim(actor=actor(cast.resident), segment=cast.segment, role=B)
    assert SegmentClaim.objects.count() == 0


def test_the_branch_secretary_claims_for_the_branch_a_member_may_not(cast):
    branch = cast.street.nanyuan_branch

    with pytest.raises(PermissionDenied):
        services.segment_claim(actor=actor(cast.member), segment=cast.segment, role=B, branch=branch)
    claim = services.segment_claim(actor=actor(cast.secretary), segment=cast.segment, role=B, branch=branch)

    assert (claim.branch_id, claim.person_id, claim.claimed_by_id) == (branch.pk, None, cast.secretary.pk)
    assert claim.claimant_name == "南苑社区第一支部"


def test_a_released_primary_frees_the_segment_for_another(cast):
    claim = services.segment_claim(actor=actor(cast.member), segment=cast.segment, role=P)

    services.segment_claim_release(actor=actor(cast.member), claim=claim)
    with pytest.raises(StateConflict):
        services.segment_claim_release(actor=actor(cast.member), claim=claim)
    services.segment_claim(actor=actor(cast.secretary), segment=cast.segment, role=P)

    assert SegmentClaim.objects.filter(segment=cast.segment, released_at__isnull=True).get().person == cast.secretary
