import base64
import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mulin.core.crypto import blind_indexes_recompute, keyring


class Command(BaseCommand):
    help = """Replace the blind-index key ("index_key") and rewrite every phone and ID-number index under it.

Run it in a maintenance window with every web, worker and scheduler process stopped: sign-in and
de-duplication compute the token under the key each process loaded, so a process still running on
the old key would not find anyone whose index was already rewritten.

What it does:
  1. writes the keyring with a new random index key to <keyring>.next (mode 600), unless a
     <keyring>.next from an interrupted run is there, which it then finishes;
  2. rewrites every blind index under the new key, one transaction per database;
  3. moves <keyring>.next over the keyring file.
Then start the processes again and escrow the new keyring (docs/security.md). Backups made before
the rotation carry indexes under the old key: restore one with its own escrowed keyring, or restore
it and run this command again. Sign-in lockouts of the last 30 minutes are forgotten (they are kept
under the old tokens)."""

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--yes", action="store_true", help="the application is stopped; go ahead")

    def handle(self, *args, yes: bool, **options):  # type: ignore[no-untyped-def]
        if not yes:
            raise CommandError("Stop every web, worker and scheduler process first, then run with --yes.")
        path = Path(settings.MULIN_FIELD_KEYS_FILE)
        pending = path.with_name(path.name + ".next")
        if pending.exists():
            self.stdout.write(f"finishing the interrupted rotation in {pending}")
            next_key = base64.b64decode(json.loads(pending.read_text(encoding="utf-8"))["index_key"], validate=True)
        else:
            next_key = secrets.token_bytes(32)
            raw = json.loads(path.read_text(encoding="utf-8"))
            raw["index_key"] = base64.b64encode(next_key).decode()
            descriptor = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(raw, handle, indent=2)
        if next_key == keyring().index_key or next_key in keyring().keys.values():
            raise CommandError(f"{pending} holds a key already in use; remove it and run again.")
        for column, count in blind_indexes_recompute(index_key=next_key).items():
            self.stdout.write(f"{column}: rewrote {count}")
        pending.replace(path)
        keyring.cache_clear()
        self.stdout.write(
            self.style.SUCCESS(f"{path} now holds the new index key. Start the application and escrow the keyring.")
        )
