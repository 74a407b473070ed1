"""Delivery of one notification over e-mail or SMS; idempotent, retried by the task queue."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone, translation

from mulin.core.tasks import MAX_ATTEMPTS, background_task
from mulin.notifications import registry
from mulin.notifications.models import Delivery, NotificationPreference
from mulin.notifications.sms import sms_backend

Channel = NotificationPreference.Channel


@background_task("notifications.deliver")
def deliver(delivery_id: int) -> None:
    """Send one pending delivery. A delivery already sent, skipped or failed is left alone, so
    running the task twice sends once. A provider error is recorded and re-raised: the queued
    task is retried with back-off, and after the last attempt the delivery is marked failed."""
    delivery = Delivery.objects.select_related("notification__recipient").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return
    notification, person = delivery.notification, delivery.notification.recipient
    spec = registry.get(notification.kind)
    if not person.is_active:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED, error="person inactive")
        return
    if delivery.channel == Channel.EMAIL and not person.email:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED, error="no e-mail address")
        return
    if delivery.channel == Channel.SMS and not person.phone:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED, error="no mobile number")
        return
    Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
    with translation.override(person.preferred_language):
        title, body = spec.render_title(notification.params), spec.render_body(notification.params)
        # How a text message joins title and body differs by language (Chinese ends the title with "。").
        text = translation.gettext("%(title)s %(body)s") % {"title": title, "body": body} if body else title
    try:
        if delivery.channel == Channel.EMAIL:
            send_mail(title, body or title, None, [person.email])
        else:
            sms_backend().send(person.phone, text.strip())
    except Exception as exc:
        # Only the error's type is kept: provider messages may echo the number or address.
        attempts = delivery.attempts + 1
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
            error=type(exc).__name__[:300],
            status=Delivery.Status.FAILED if attempts >= MAX_ATTEMPTS else Delivery.Status.PENDING,
        )
        raise
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
    )
