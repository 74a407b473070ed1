"""Celery application: used only when REDIS_URL is set (see mulin.core.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("mulin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule_periodic_jobs(sender, **kwargs):  # type: ignore[no-untyped-def]
    """Beat runs every job declared with mulin.core.schedule.periodic (plus the outbox dispatch)."""
    from mulin.core.schedule import beat_schedule

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **beat_schedule()}
