from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mulin.core.backup import BackupError, backup_create, backup_key_create, backup_key_load


class Command(BaseCommand):
    help = """Write an encrypted backup of the database and the uploaded files (MEDIA_ROOT).

The archive is encrypted with SM4-GCM under the backup key (MULIN_BACKUP_KEY_FILE, a JSON file
{"key_id": ..., "key": <base64, 16 bytes>}; create one with --create-key). It does NOT contain the
field-encryption keyring (MULIN_FIELD_KEYS_FILE): phone numbers, ID numbers and addresses in a
backup stay encrypted under it, and it is escrowed separately (docs/security.md, "Backup and
restore"). Keep backups, the backup key and the keyring escrow in three different places.

PostgreSQL is dumped with pg_dump --format=custom (pg_dump must be on PATH and match the server's
major version); SQLite is copied with its online backup API. Restore with `manage.py restore`."""

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--output", help="file to write (default: var/backups/mulin-<time>.mulinbak)")
        parser.add_argument("--key-file", help="backup key (default: MULIN_BACKUP_KEY_FILE)")
        parser.add_argument("--create-key", action="store_true", help="create the backup key file if it is missing")

    def handle(self, *args, output=None, key_file=None, create_key=False, **options):  # type: ignore[no-untyped-def]
        key_path = Path(key_file or settings.MULIN_BACKUP_KEY_FILE)
        default = Path(settings.DATA_DIR) / "backups" / f"mulin-{timezone.now():%Y%m%d-%H%M%S}.mulinbak"
        target = Path(output) if output else default
        try:
            if create_key and not key_path.exists():
                backup_key_create(key_path)
                self.stdout.write(f"created backup key {key_path} (mode 600); keep a copy apart from the backups")
            report = backup_create(output=target, key=backup_key_load(key_path))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(report.tables.values())
        self.stdout.write(
            f"backup written: {report.path} ({report.size} bytes, key {report.key_id}); "
            f"{len(report.tables)} tables, {rows} rows, {report.media_files} media files"
        )
