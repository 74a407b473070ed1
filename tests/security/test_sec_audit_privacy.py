"""Audit and privacy: every view or export of personal data in full writes exactly one audit row,
and the row holds no raw value; logs carry no phone or ID number (the log scan plugin,
mulin/core/tests/pii_log_scan.py, fails any test that logs one).

Standards: GB/T 22239-2019 8.1.4.3 a)–c) (audit coverage and records), ASVS 4.0.3 8.3.5 / 5.0
16.3.2 (log access to sensitive data), ASVS 5.0 16.2.5 and PIPL Art. 51 (no personal data in logs).
The hash chain's tamper detection: mulin/core/tests/test_audit.py; the retention purge: the same
file (test_purge_deletes_what_is_due_and_nothing_else). The matrix (mulin/web/tests/
test_permission_matrix.py) checks that no other route shows a full value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.urls import reverse

from mulin.core.models import AuditEvent
from mulin.core.tasks import background_task, enqueue
from mulin.organizations.models import Person
from mulin.organizations.scoping import actor_for_person
from mulin.web.tests.cast import Cast
from mulin.wishes.models import Wish, WishCategory
from mulin.wishes.services import wish_claim, wish_publish, wish_submit

pytestmark = pytest.mark.django_db


def personal_values() -> list[str]:
    """Every phone, ID number and address on record, in clear."""
    values = []
    for person in Person.objects.all():
        values += [v for v in (person.phone, person.id_number, person.address) if v and len(v) >= 6]
    return values


def audit_row_text(event: AuditEvent) -> str:
    fields = {f.name: getattr(event, f.name) for f in AuditEvent._meta.concrete_fields}
    return json.dumps(fields, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class PiiView:
    """One way of seeing personal data in full: who asks, how, and the audit verb it must write."""

    name: str
    role: str
    verb: str
    call: Callable[[Cast, Any], Any]
    target: Callable[[Cast], Model] | None = None


def _claimed_wish(cast: Cast) -> Wish:
    wisher = cast.cuiyu_plain
    wish = wish_submit(
        actor=actor_for_person(wisher), title="需要帮忙", category=WishCategory.objects.get(code="repair")
    )
    wish_publish(actor=actor_for_person(cast.people["worker_cuiyu"]), wish=wish)
    return wish_claim(actor=actor_for_person(cast.people["volunteer"]), wish=wish)


def _reveal_web(field: str) -> Callable[[Cast, Any], Any]:
    return lambda cast, client: client.post(reverse("organizations:person_reveal", args=[cast.cuiyu_plain.pk, field]))


PII_VIEWS = [
    *(
        PiiView(f"reveal {f} (web)", "worker_cuiyu", "person.revealed", _reveal_web(f))
        for f in ("phone", "id_number", "address")
    ),
    PiiView(
        "reveal own phone (web profile)",
        "resident_a",
        "person.revealed",
        lambda cast, client: client.post(
            reverse("organizations:person_reveal", args=[cast.people["resident_a"].pk, "phone"])
        ),
    ),
    PiiView(
        "reveal phone (API)",
        "worker_cuiyu",
        "person.revealed",
        lambda cast, api: api.post(f"/api/v1/people/{cast.cuiyu_plain.pk}/reveal/", {"field": "phone"}, format="json"),
    ),
    PiiView(
        "wish contact (web page)",
        "volunteer",
        "wishes.contact_viewed",
        lambda cast, client: client.post(reverse("wishes:contact", args=[_claimed_wish(cast).pk])),
    ),
    PiiView(
        "wish contact (htmx)",
        "volunteer",
        "wishes.contact_viewed",
        lambda cast, client: client.post(
            reverse("wishes:contact", args=[_claimed_wish(cast).pk]), HTTP_HX_REQUEST="true"
        ),
    ),
    PiiView(
        "wish contact (API)",
        "volunteer",
        "wishes.contact_viewed",
        lambda cast, api: api.post(f"/api/v1/wishes/{_claimed_wish(cast).pk}/contact/"),
    ),
    PiiView(
        "people export, masked (web)",
        "worker_cuiyu",
        "people.exported",
        lambda cast, client: client.post(reverse("organizations:export"), {}),
    ),
    PiiView(
        "people export, full (web)",
        "worker_cuiyu",
        "people.exported",
        lambda cast, client: client.post(reverse("organizations:export"), {"full": "on"}),
    ),
    PiiView(
        "people export, masked (API)",
        "worker_cuiyu",
        "people.exported",
        lambda cast, api: api.get("/api/v1/people/export/"),
    ),
    PiiView(
        "people export, full (API)",
        "worker_cuiyu",
        "people.exported",
        lambda cast, api: api.get("/api/v1/people/export/?full=true"),
    ),
]


@pytest.mark.parametrize("view", PII_VIEWS, ids=lambda v: v.name)
def test_each_view_or_export_of_personal_data_writes_exactly_one_audit_row_without_the_value(cast, view):
    client = cast.api(view.role) if "(API)" in view.name else cast.web(view.role)
    call_args = (cast, client)
    # Objects the call needs (a claimed wish) are made inside it: count from just before the request.
    before = _AuditCursor()

    response = view.call(*call_args)

    assert response.status_code == 200, response.content[:300]
    rows = before.new_rows()
    assert [row.verb for row in rows if row.verb == view.verb] == [view.verb], [r.verb for r in rows]
    audited = next(row for row in rows if row.verb == view.verb)
    assert audited.actor_person_id == cast.people[view.role].pk
    assert audited.actor_user_id == cast.people[view.role].user_id
    text = audit_row_text(audited)
    leaked = [value for value in personal_values() if value in text]
    assert not leaked, f"{view.name}: the audit row holds personal data"


class _AuditCursor:
    """Audit rows written after the view's own set-up: the rows of the request itself."""

    def __init__(self) -> None:
        self.last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def new_rows(self) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(id__gt=self.last).order_by("id"))


def test_the_list_of_views_covers_every_audited_way_to_see_personal_data():
    """Every route that can show personal data in full (the matrix fails a route that shows it
    without being listed) has a case above."""
    from mulin.web.tests.test_permission_matrix import PII_ROUTES

    covered = {
        "organizations:person_reveal",
        "api:person-reveal",
        "wishes:contact",
        "api:wish-contact",
        "organizations:export",
        "api:people-export",
    }
    assert set(PII_ROUTES) <= covered


def test_a_refused_reveal_writes_no_audit_row_and_shows_nothing(cast):
    before = AuditEvent.objects.exclude(verb="access.refused").count()

    response = cast.web("resident_b").post(reverse("organizations:person_reveal", args=[cast.cuiyu_plain.pk, "phone"]))

    assert response.status_code == 404
    assert AuditEvent.objects.exclude(verb="access.refused").count() == before
    assert cast.cuiyu_plain.phone not in response.content.decode()


# --- logs ----------------------------------------------------------------------------------------


@background_task("tests.security.fails_on_a_phone")
def _fails_on_a_phone(phone: str) -> None:
    raise ValueError(f"could not send to {phone}")


def test_a_failing_task_with_a_phone_in_its_error_logs_it_masked(settings, django_capture_on_commit_callbacks, caplog):
    settings.MULIN_TASKS_RAISE = False
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("tests.security.fails_on_a_phone", phone="13812345678")

    # The log scan would fail this test if the number had reached a handler in clear; the stored
    # error is masked too.
    from mulin.core.models import QueuedTask

    assert "138****5678" in QueuedTask.objects.get().last_error
    assert any(record.levelno >= logging.ERROR for record in caplog.records)


def test_an_application_log_line_with_personal_data_is_masked_for_every_handler(street):
    person = Person.objects.create(full_name="日志测试", phone="13812345679", id_number="110101199003074258")

    logging.getLogger("mulin.tests").warning("lookup failed for %s / %s", person.phone, person.id_number)
    # Reaching here without the log scan failing the test is the assertion.
