from django.core.management.base import BaseCommand

from mulin.core.retention import purge_expired


class Command(BaseCommand):
    help = "Delete data whose retention period is over (audit log, sessions, finished tasks, sign-in logs)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        for name, count in purge_expired().items():
            self.stdout.write(f"{name}: {count}")
