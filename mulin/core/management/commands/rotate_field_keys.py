from django.core.management.base import BaseCommand, CommandError

from mulin.core.crypto import encrypted_values_rotate, keyring


class Command(BaseCommand):
    help = """Re-encrypt every encrypted column (phone, ID number, address, ...) under the active key version.

Key handling. The keyring is the JSON file named by MULIN_FIELD_KEYS_FILE:
  {"active": 2, "keys": {"1": "<base64, 16 bytes>", "2": "<base64, 16 bytes>"}, "index_key": "<base64>"}
It is never derived from SECRET_KEY, never committed, readable by the application user only
(chmod 600), and escrowed offline under split custody: without it the data cannot be read,
including from backups.

To rotate the data key:
  1. add a new 16-byte key under the next version number (python -c "import base64, secrets;
     print(base64.b64encode(secrets.token_bytes(16)).decode())") and set "active" to it;
  2. restart every web, worker and scheduler process (each loads the keyring once), so that new
     writes use the new version while old versions still decrypt;
  3. run this command; it rewrites only values under older versions, in batches of --batch-size
     rows per transaction, never overwrites a value that changed meanwhile, and can be run again
     at any time (a second run changes nothing);
  4. keep old versions in the file until no backup that needs them is retained.
The blind-index key ("index_key") is rotated by `manage.py rotate_index_key` instead, in a
maintenance window: it recomputes every phone and ID index from the decrypted values."""

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
        parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")

    def handle(self, *args, batch_size: int, dry_run: bool, **options):  # type: ignore[no-untyped-def]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.stdout.write(f"active key version: {keyring().active_version}")
        reports = encrypted_values_rotate(batch_size=batch_size, dry_run=dry_run)
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        for report in reports:
            self.stdout.write(f"{report.column}: examined {report.examined}, {verb} {report.reencrypted}")
        failed = [(report.column, pk) for report in reports for pk in report.failed_pks]
        if failed:
            listed = ", ".join(f"{column} pk={pk}" for column, pk in failed[:20])
            raise CommandError(f"{len(failed)} values could not be decrypted (wrong key or tampered): {listed}")
