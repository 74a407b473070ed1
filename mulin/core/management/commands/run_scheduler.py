import time

from django.core.management.base import BaseCommand

from mulin.core.schedule import run_due_jobs
from mulin.core.tasks import dispatch_pending


class Command(BaseCommand):
    help = (
        "Embedded setup (no Redis/Celery): run periodic jobs when due and retry queued tasks, every --interval "
        "seconds. `make run` starts it beside the web server. Use --once from cron instead of a loop."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, interval: int, once: bool, **options):  # type: ignore[no-untyped-def]
        while True:
            ran = run_due_jobs()
            dispatched = dispatch_pending()
            if ran or dispatched:
                self.stdout.write(f"ran {', '.join(ran) or 'no jobs'}; dispatched {dispatched} queued tasks")
            if once:
                return
            time.sleep(interval)
