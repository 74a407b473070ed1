from django.core.management.base import BaseCommand

from mulin.demo import daguan
from mulin.demo.seed import build_daguan


class Command(BaseCommand):
    help = "Load the Daguan Street demo (idempotent: does nothing if it is already there) and list the demo accounts."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        street = build_daguan()
        self.stdout.write("Demo street loaded." if street.created else "Demo street already present; nothing added.")
        self.stdout.write(f"Demo accounts (password {daguan.DEMO_PASSWORD}):")
        for phone, name, role, unit, _compound, _extra in daguan.DEMO_ACCOUNTS:
            self.stdout.write(f"  {phone}  {role:<20} {unit}  {name}")
