import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mulin.core.backup import BackupError, backup_inspect, backup_key_load, backup_restore


class Command(BaseCommand):
    help = """Restore a backup made by `manage.py backup` into a NEW, EMPTY database and an empty MEDIA_ROOT,
then verify it (the restore drill): rows per table as in the backup's manifest, the field keyring
(MULIN_FIELD_KEYS_FILE, restored from escrow) is the one the backup was made under, a sample of
encrypted values of every encrypted column decrypts, and their blind indexes match. Exits non-zero
if any check fails. --inspect only decrypts and prints the manifest."""

    requires_system_checks: list = []  # an empty database has nothing to check yet

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("backup", help="the .mulinbak file")
        parser.add_argument("--key-file", help="backup key (default: MULIN_BACKUP_KEY_FILE)")
        parser.add_argument("--inspect", action="store_true", help="print the manifest, restore nothing")

    def handle(self, *args, backup, key_file=None, inspect=False, **options):  # type: ignore[no-untyped-def]
        key_path = Path(key_file or settings.MULIN_BACKUP_KEY_FILE)
        try:
            key = backup_key_load(key_path)
            if inspect:
                self.stdout.write(json.dumps(backup_inspect(path=Path(backup), key=key), indent=2))
                return
            report = backup_restore(path=Path(backup), key=key)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {len(report.tables)} tables ({sum(report.tables.values())} rows) and "
            f"{report.media_files} media files in {report.seconds:.1f} s"
        )
        self.stdout.write(
            f"verified: {report.decrypted_samples} encrypted values decrypted, "
            f"{report.blind_indexes_checked} blind indexes recomputed"
        )
        problems = []
        for table, (expected, found) in sorted(report.mismatched_tables.items()):
            problems.append(f"{table}: {found} rows, the backup had {expected}")
        if not report.keyring_matches:
            problems.append(
                "the field keyring is not the one the backup was made under: restore MULIN_FIELD_KEYS_FILE from escrow"
            )
        failed = report.failed_samples
        if failed:
            more = f" and {len(failed) - 10} more" if len(failed) > 10 else ""
            problems.append(f"{len(failed)} encrypted values do not decrypt: {', '.join(failed[:10])}{more}")
        if report.blind_index_mismatches:
            problems.append(f"{report.blind_index_mismatches} blind indexes do not match their values")
        if problems:
            raise CommandError("restore drill FAILED:\n  " + "\n  ".join(problems))
        self.stdout.write("restore drill passed")
