"""Celery application: used only when REDIS_URL is set (see mulin.core.tasks)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("mulin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
