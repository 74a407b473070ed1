"""Notifications: in-app now, e-mail and SMS after commit, preferences, retries, and the
inbox, settings and API, each showing only the person's own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from mulin.core.models import QueuedTask
from mulin.core.tasks import MAX_ATTEMPTS, run_queued_task
from mulin.notifications import registry
from mulin.notifications.models import Delivery, Notification, NotificationPreference
from mulin.notifications.selectors import unread_count
from mulin.notifications.services import notification_mark_read, notification_send, preferences_set
from mulin.notifications.sms import MemorySmsBackend
from mulin.notifications.tasks import deliver
from mulin.organizations.models import Person
from mulin.organizations.services import person_update
from mulin.organizations.tests.factories import SYSTEM, make_person

pytestmark = pytest.mark.django_db

SECURITY = "security.password_changed"  # mandatory, SMS by default
ANNOUNCEMENT = "street.announcement"  # optional, in-app only by default


@pytest.fixture
def person(street) -> Person:  # type: ignore[no-untyped-def]
    return make_person(home=street.cuiyu_building, with_account=True)


def _sms_to(person: Person) -> list[str]:
    return [text for phone, text in MemorySmsBackend.outbox if phone == person.phone]


# --- sending ------------------------------------------------------------------------------------


def test_send_creates_one_in_app_row_per_recipient(street, person):
    other = make_person(home=street.cuiyu_building)

    notifications = notification_send(
        kind=ANNOUNCEMENT, recipients=[person, other, person, None], params={"subject": "停水通知", "text": "明天"}
    )

    assert len(notifications) == 2
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {person.pk, other.pk}
    assert not Delivery.objects.exists()  # announcements stay in-app unless a person asks for more


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notification_send(kind="wishes.typo", recipients=[])


def test_sms_goes_out_only_after_commit(person, django_capture_on_commit_callbacks):
    Person.objects.filter(pk=person.pk).update(preferred_language="en")  # the text below is quoted in English
    person.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification_send(kind=SECURITY, recipients=[person])
        # Inside the transaction: the in-app row exists, nothing has left the building.
        assert Notification.objects.filter(recipient=person).count() == 1
        assert _sms_to(person) == []
        assert Delivery.objects.get().status == Delivery.Status.PENDING

    assert len(callbacks) == 2  # forget the bell's cached count; queue the SMS
    assert _sms_to(person) == ["Your password was changed If this was not you, contact your community office at once."]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert delivery.sent_at is not None
    assert QueuedTask.objects.get().status == QueuedTask.Status.DONE


def test_email_goes_out_after_commit_in_the_recipients_language(street, django_capture_on_commit_callbacks):
    person = make_person(home=street.cuiyu_building, email="wang@example.com")
    Person.objects.filter(pk=person.pk).update(preferred_language="en")
    preferences_set(person=person, choices={(ANNOUNCEMENT, "email"): True})

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=ANNOUNCEMENT, recipients=[person], params={"subject": "Water off", "text": "Tomorrow"})

    assert [(m.subject, m.body, m.to) for m in mail.outbox] == [("Water off", "Tomorrow", ["wang@example.com"])]


def test_rolled_back_change_sends_nothing(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notification_send(kind=SECURITY, recipients=[person])
                raise RuntimeError("the change that caused the notification failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert not QueuedTask.objects.exists()
    assert _sms_to(person) == []


@pytest.mark.django_db(transaction=True)
def test_with_real_transactions_commit_sends_and_rollback_does_not(street):
    person = make_person(home=street.cuiyu_building)

    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(kind=SECURITY, recipients=[person])
        raise RuntimeError("rolled back")
    assert _sms_to(person) == []
    assert not Notification.objects.exists()

    with transaction.atomic():
        notification_send(kind=SECURITY, recipients=[person])
    assert len(_sms_to(person)) == 1


# --- preferences --------------------------------------------------------------------------------


def test_person_can_turn_off_an_optional_channel_and_turn_on_another(person, django_capture_on_commit_callbacks):
    preferences_set(person=person, choices={(ANNOUNCEMENT, "sms"): True, (ANNOUNCEMENT, "email"): False})

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=ANNOUNCEMENT, recipients=[person], params={"subject": "通知", "text": "内容"})

    assert list(Delivery.objects.values_list("channel", flat=True)) == ["sms"]
    assert _sms_to(person) == ["通知。内容"]  # a Chinese text message ends the title with "。"

    preferences_set(person=person, choices={(ANNOUNCEMENT, "sms"): False})
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=ANNOUNCEMENT, recipients=[person], params={"subject": "再通知", "text": ""})
    assert len(_sms_to(person)) == 1


def test_mandatory_kinds_cannot_be_turned_off(person, django_capture_on_commit_callbacks):
    preferences_set(person=person, choices={(SECURITY, "sms"): False})
    assert not NotificationPreference.objects.filter(kind=SECURITY).exists()
    # Even a stored "off" (written around the service) does not silence a security message.
    NotificationPreference.objects.create(person=person, kind=SECURITY, channel="sms", enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=SECURITY, recipients=[person])

    assert len(_sms_to(person)) == 1


def test_preferences_ignore_unknown_kinds_and_channels(person):
    preferences_set(person=person, choices={("no.such.kind", "sms"): True, (ANNOUNCEMENT, "pigeon"): True})

    assert not NotificationPreference.objects.exists()


# --- delivery: idempotent, retried --------------------------------------------------------------


def test_delivery_task_run_twice_sends_once(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=SECURITY, recipients=[person])
    delivery = Delivery.objects.get()
    task = QueuedTask.objects.get()

    deliver(delivery_id=delivery.pk)
    QueuedTask.objects.filter(pk=task.pk).update(status=QueuedTask.Status.PENDING)
    run_queued_task(task.pk)

    assert len(_sms_to(person)) == 1
    assert Delivery.objects.get().attempts == 1


def test_inactive_people_get_no_texts_or_mail(street, person, django_capture_on_commit_callbacks):
    moved_away = make_person(home=street.cuiyu_building)
    person_update(actor=SYSTEM, person=moved_away, is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=SECURITY, recipients=[moved_away, person])

    assert _sms_to(moved_away) == []
    assert len(_sms_to(person)) == 1
    assert Notification.objects.filter(recipient=moved_away).count() == 1


def test_person_deactivated_before_delivery_is_skipped(person, django_capture_on_commit_callbacks):
    notification_send(kind=SECURITY, recipients=[person])  # callbacks not run: still queued
    person_update(actor=SYSTEM, person=person, is_active=False)

    deliver(delivery_id=Delivery.objects.get().pk)

    assert _sms_to(person) == []
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED


def test_delivery_without_a_phone_is_skipped(street, django_capture_on_commit_callbacks):
    person = make_person(home=street.cuiyu_building, phone="")

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=SECURITY, recipients=[person])

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.error, delivery.attempts) == (Delivery.Status.SKIPPED, "no mobile number", 0)


@pytest.fixture
def sms_down(settings):  # type: ignore[no-untyped-def]
    settings.MULIN_SMS_BACKEND = "mulin.notifications.sms.FailingSmsBackend"
    settings.MULIN_TASKS_RAISE = False  # as in production: the failure is recorded, not raised


def test_provider_failure_leaves_the_task_pending_with_back_off_and_the_in_app_row(
    person, sms_down, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=SECURITY, recipients=[person])

    task = QueuedTask.objects.get()
    assert task.status == QueuedTask.Status.PENDING
    assert task.attempts == 1
    assert task.run_after > timezone.now() + dt.timedelta(seconds=30)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == (Delivery.Status.PENDING, 1, "ConnectionError")
    assert person.phone not in task.last_error
    assert Notification.objects.filter(recipient=person).count() == 1

    # The provider comes back; once the back-off has passed the retry sends it, once.
    settings.MULIN_SMS_BACKEND = "mulin.notifications.sms.MemorySmsBackend"
    QueuedTask.objects.filter(pk=task.pk).update(run_after=timezone.now())
    run_queued_task(task.pk)
    run_queued_task(task.pk)

    assert len(_sms_to(person)) == 1
    assert Delivery.objects.get().status == Delivery.Status.SENT
    assert QueuedTask.objects.get().status == QueuedTask.Status.DONE


def test_delivery_is_marked_failed_after_the_last_attempt(person, sms_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=SECURITY, recipients=[person])
    task = QueuedTask.objects.get()

    for _ in range(MAX_ATTEMPTS - 1):
        QueuedTask.objects.filter(pk=task.pk).update(run_after=timezone.now())
        run_queued_task(task.pk)

    assert QueuedTask.objects.get().status == QueuedTask.Status.FAILED
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)
    assert Notification.objects.filter(recipient=person).exists()


# --- pages --------------------------------------------------------------------------------------


def test_inbox_shows_only_the_persons_own_notifications(street, client, person):
    other = make_person(home=street.cuiyu_building)
    notification_send(kind=ANNOUNCEMENT, recipients=[person], params={"subject": "给我的", "text": ""})
    notification_send(kind=ANNOUNCEMENT, recipients=[other], params={"subject": "给别人的", "text": ""})
    client.force_login(person.user)

    page = client.get(reverse("notifications:inbox")).content.decode()

    assert "给我的" in page
    assert "给别人的" not in page


def test_mark_all_read_marks_only_the_persons_own(street, client, person):
    other = make_person(home=street.cuiyu_building)
    notification_send(kind=ANNOUNCEMENT, recipients=[person, other], params={"subject": "s", "text": "t"})
    client.force_login(person.user)

    response = client.post(reverse("notifications:mark_read"))

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_mark_read_needs_post(client, person):
    notification_send(kind=ANNOUNCEMENT, recipients=[person], params={"subject": "s", "text": "t"})
    client.force_login(person.user)

    assert client.get(reverse("notifications:mark_read")).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_settings_page_saves_choices_and_keeps_security_messages_on(client, person):
    client.force_login(person.user)

    page = client.get(reverse("notifications:preferences")).content.decode()
    response = client.post(reverse("notifications:preferences"), {f"{ANNOUNCEMENT}:sms": "on"})

    assert f'name="{SECURITY}:sms"' in page
    assert "disabled" in page.split(f'name="{SECURITY}:sms"')[1].split(">")[0]
    assert response.status_code == 302
    stored = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.values_list("kind", "channel", "enabled")
    }
    assert stored[(ANNOUNCEMENT, "sms")] is True
    assert stored[(ANNOUNCEMENT, "email")] is False
    assert not [key for key in stored if key[0] == SECURITY]  # mandatory: nothing stored
    assert sum(stored.values()) == 1  # every box left unticked is stored as off


def test_pages_refuse_an_account_without_a_person(client, db):
    from mulin.accounts.models import User

    user = User.objects.create_user(password="x")
    client.force_login(user)

    assert client.get(reverse("notifications:inbox")).status_code == 403


# --- API ----------------------------------------------------------------------------------------


def _bearer(person: Person) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {AuthToken.objects.create(user=person.user)[1]}"}


def test_api_lists_only_the_callers_notifications(street, api_client, person):
    other = make_person(home=street.cuiyu_building)
    notification_send(kind=ANNOUNCEMENT, recipients=[person], params={"subject": "mine", "text": ""})
    notification_send(kind=ANNOUNCEMENT, recipients=[other], params={"subject": "theirs", "text": ""})

    body = api_client.get("/api/v1/notifications/", **_bearer(person)).json()

    assert [n["title"] for n in body["results"]] == ["mine"]


def test_api_mark_read_ignores_other_peoples_ids_and_validates_the_body(street, api_client, person):
    other = make_person(home=street.cuiyu_building)
    (theirs,) = notification_send(kind=ANNOUNCEMENT, recipients=[other], params={"subject": "s", "text": ""})
    (mine,) = notification_send(kind=ANNOUNCEMENT, recipients=[person], params={"subject": "s", "text": ""})
    auth = _bearer(person)

    marked = api_client.post("/api/v1/notifications/read/", {"ids": [theirs.pk, mine.pk]}, format="json", **auth)
    bad = api_client.post("/api/v1/notifications/read/", {"ids": "all"}, format="json", **auth)

    assert marked.json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert bad.status_code == 400
    assert "ids" in bad.json()["errors"]


def test_api_preferences_read_and_write_and_mandatory_stays_on(api_client, person):
    auth = _bearer(person)

    changed = api_client.put(
        "/api/v1/notifications/preferences/",
        [
            {"kind": ANNOUNCEMENT, "channel": "email", "enabled": True},
            {"kind": SECURITY, "channel": "sms", "enabled": False},
        ],
        format="json",
        **auth,
    )
    unknown = api_client.put(
        "/api/v1/notifications/preferences/",
        [{"kind": "nope", "channel": "sms", "enabled": True}],
        format="json",
        **auth,
    )

    assert changed.status_code == 200
    rows = {row["kind"]: row for row in changed.json()}
    assert rows[ANNOUNCEMENT]["channels"] == {"email": True, "sms": False}
    assert rows[SECURITY]["channels"] == {"email": True, "sms": True}
    assert rows[SECURITY]["mandatory"] is True
    assert unknown.status_code == 400


def test_every_registered_kind_renders_without_params():
    for kind in registry.all_kinds():
        assert kind.render_title({})


def test_deactivated_person_gets_no_pages(client, person):
    person_update(actor=SYSTEM, person=person, is_active=False)
    client.force_login(person.user)

    assert client.get(reverse("notifications:inbox")).status_code == 302  # signed out


# --- the bell's cached count ----------------------------------------------------------------------


def test_the_bell_count_is_cached_and_forgotten_when_the_person_gets_or_reads_notifications(
    street, person, django_assert_num_queries
):
    other = make_person(home=street.cuiyu_building)
    assert unread_count(person) == 0
    with django_assert_num_queries(0):
        assert unread_count(person) == 0

    notification_send(kind=ANNOUNCEMENT, recipients=[person], params={"subject": "s", "text": "t"})
    assert unread_count(person) == 1
    assert unread_count(other) == 0

    notification_send(kind=ANNOUNCEMENT, recipients=[other], params={"subject": "s", "text": "t"})
    with django_assert_num_queries(0):
        assert unread_count(person) == 1  # someone else's notification leaves the cached count alone
    assert unread_count(other) == 1

    notification_mark_read(person=person)
    assert unread_count(person) == 0
    assert unread_count(other) == 1


def test_a_count_cached_before_the_send_commits_is_forgotten_at_commit(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(kind=ANNOUNCEMENT, recipients=[person], params={"subject": "s", "text": "t"})
        # Another request, which cannot see the uncommitted row yet, caches the old count.
        cache.set(f"mulin:notifications:unread:{person.pk}", 0)

    assert unread_count(person) == 1
