from django.core.management.base import BaseCommand

from mulin.core.tasks import dispatch_pending


class Command(BaseCommand):
    help = "Run (embedded mode) or re-send (Celery mode) background tasks that are due; cron-friendly."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.stdout.write(f"dispatched: {dispatch_pending()}")
