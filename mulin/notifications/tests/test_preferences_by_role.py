"""Each person's notification settings list only the kinds their roles can receive (issue 9
defect 8): a resident never sees the moderators', handlers' or roster organisers' kinds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mulin.notifications import registry
from mulin.organizations.models import Role
from mulin.organizations.tests.factories import actor, make_person

pytestmark = pytest.mark.django_db


def _shown(client, person) -> set[str]:  # type: ignore[no-untyped-def]
    client.force_login(person.user)
    rows = client.get(reverse("notifications:preferences")).context["rows"]
    return {row["kind"].key for row in rows}


def test_a_resident_sees_only_the_kinds_a_resident_can_receive(street, client):
    resident = make_person(home=street.cuiyu_building, with_account=True)

    shown = _shown(client, resident)

    assert shown == {kind.key for kind in registry.kinds_for(actor(resident))}
    assert {"security.password_changed", "street.announcement", "wishes.claimed", "workorders.resolved"} <= shown
    staff_only = {"wishes.awaiting_review", "wishes.unclaimed", "workorders.reported", "workorders.escalated"}
    helpers_only = {"wishes.suggested", "wishes.claim_reminder", "points.corrected"}
    assert not shown & (staff_only | helpers_only)
    assert len(shown) < len(registry.all_kinds())


def test_a_community_worker_also_sees_the_moderators_kinds(street, client):
    worker = make_person(home=street.cuiyu_building, role=Role.COMMUNITY_WORKER, at=street.cuiyu, with_account=True)

    shown = _shown(client, worker)

    assert {"wishes.awaiting_review", "wishes.unclaimed", "workorders.reported"} <= shown


def test_the_api_lists_the_same_kinds_as_the_page(street, client, api_client):
    resident = make_person(home=street.cuiyu_building, with_account=True)
    api_client.force_authenticate(resident.user)

    rows = api_client.get("/api/v1/notifications/preferences/").json()

    assert {row["kind"] for row in rows} == _shown(client, resident)


def test_saving_the_page_leaves_kinds_not_shown_untouched(street, client):
    from mulin.notifications.models import NotificationPreference

    resident = make_person(home=street.cuiyu_building, with_account=True)
    client.force_login(resident.user)

    client.post(reverse("notifications:preferences"), {"street.announcement:sms": "on"})

    kinds = set(NotificationPreference.objects.filter(person=resident).values_list("kind", flat=True))
    assert kinds <= {kind.key for kind in registry.kinds_for(actor(resident))}
