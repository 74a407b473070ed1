"""The backup and restore drill (GB/T 22239-2019 8.1.4.9 a) 数据备份恢复; ASVS 4.0.3 8.1.6; security
reference §10.7): `manage.py backup` writes database + media, encrypted under the backup key;
`manage.py restore` brings it back into a fresh database in another process, with the field
keyring restored from escrow, and verifies row counts and a decrypted sample. Runs on SQLite and,
with DATABASE_URL set, on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import base64
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from mulin.core.backup import backup_key_load, decrypt_stream
from mulin.core.crypto import decrypt, keyring
from mulin.organizations.models import Person
from mulin.organizations.tests.factories import make_person
from mulin.wishes.models import Wish, WishPhoto
from mulin.wishes.tests.factories import make_wish

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def street(transactional_db):  # type: ignore[no-untyped-def]
    """Built for each test: these tests commit, so they cannot use the module's shared street."""
    from mulin.organizations.tests.factories import build_street

    return build_street()


ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def drill(tmp_path, settings, reference_data, street):  # type: ignore[no-untyped-def]
    """Data worth restoring (people with encrypted fields, a wish with a photo), a backup key and
    the keyring's escrowed copy."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MULIN_WISH_MAX_OPEN_CLAIMS = 100
    s = street
    resident = make_person(home=s.nanyuan_building, with_account=True, address="3单元301室")
    member = make_person(home=s.nanyuan_building, member_of=s.nanyuan_branch, with_account=True)
    worker = make_person(home=s.nanyuan_building, role="community_worker", at=s.nanyuan, with_account=True)
    for _ in range(5):
        make_person(home=s.cuiyu_building)
    make_wish(wisher=resident, status=Wish.Status.CLOSED, moderator=worker, claimant=member)
    key_file = tmp_path / "backup_key.json"
    escrow = tmp_path / "escrow" / "field_keys.json"
    escrow.parent.mkdir()
    shutil.copy(settings.MULIN_FIELD_KEYS_FILE, escrow)  # the keyring's escrowed copy, kept apart
    return {"tmp": tmp_path, "key_file": key_file, "escrow": escrow, "resident": resident}


def _fresh_database(tmp_path: Path) -> tuple[str, object]:
    """A URL of a new, empty database of the same kind as the test database, and a cleanup."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", lambda: None
    params = connection.settings_dict
    name = f"{params['NAME']}_restore_{secrets.token_hex(3)}"
    auth = [f"--host={params['HOST']}", f"--port={params['PORT'] or 5432}", f"--username={params['USER']}"]
    env = {**os.environ, "PGPASSWORD": params.get("PASSWORD") or ""}
    subprocess.run(["createdb", *auth, name], check=True, env=env)
    user = params["USER"] + (f":{params['PASSWORD']}" if params.get("PASSWORD") else "")
    url = f"postgres://{user}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    return url, lambda: subprocess.run(["dropdb", *auth, "--if-exists", name], check=False, env=env)


def _restore(drill: dict, backup: Path, url: str, keys: Path, media: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": url,
        "MULIN_DATA_DIR": str(drill["tmp"] / "restore-host"),
        "MULIN_FIELD_KEYS_FILE": str(keys),
        "MULIN_MEDIA_ROOT": str(media),
        "MULIN_BACKUP_KEY_FILE": str(drill["key_file"]),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup)], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _rows(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as database:
            return database.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as database:
        return database.execute(sql).fetchall()


def test_backup_restores_into_a_fresh_database_with_the_same_rows_and_readable_personal_data(drill):
    backup = drill["tmp"] / "drill.mulinbak"
    call_command("backup", output=str(backup), key_file=str(drill["key_file"]), create_key=True, stdout=io.StringIO())
    people = {p.pk: (p.phone, p.id_number, p.address) for p in Person.objects.all()}
    photo = WishPhoto.objects.get()
    photo_bytes = (Path(settings.MEDIA_ROOT) / photo.file_name).read_bytes()
    url, cleanup = _fresh_database(drill["tmp"])
    media = drill["tmp"] / "restored-media"
    try:
        result = _restore(drill, backup, url, drill["escrow"], media)

        assert result.returncode == 0, result.stderr + result.stdout
        assert "restore drill passed" in result.stdout
        # Independent of the command's own checks: counts and a decrypted sample.
        assert _rows(url, "SELECT COUNT(*) FROM organizations_person")[0][0] == len(people)
        assert _rows(url, "SELECT COUNT(*) FROM wishes_wish")[0][0] == Wish.objects.count()
        for pk, phone, id_number in _rows(url, "SELECT id, phone, id_number FROM organizations_person"):
            assert phone != people[pk][0] or not phone  # stored encrypted
            if phone:
                assert decrypt(phone, context="organizations.person.phone") == people[pk][0]
            if id_number:
                assert decrypt(id_number, context="organizations.person.id_number") == people[pk][1]
        assert (media / photo.file_name).read_bytes() == photo_bytes
    finally:
        cleanup()


def test_the_archive_holds_no_readable_personal_data_and_no_field_keys(drill):
    backup = drill["tmp"] / "drill.mulinbak"
    call_command("backup", output=str(backup), key_file=str(drill["key_file"]), create_key=True, stdout=io.StringIO())
    sealed = backup.read_bytes()
    resident = drill["resident"]
    ring = keyring()
    key_material = [*ring.keys.values(), ring.index_key]

    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert resident.phone.encode() not in sealed
    assert resident.full_name.encode() not in sealed
    plain = io.BytesIO()
    with backup.open("rb") as handle:
        decrypt_stream(handle, plain, backup_key_load(drill["key_file"]))
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(plain.getvalue()), mode="r:gz") as bundle:
        names = bundle.getnames()
        files = {m.name: bundle.extractfile(m).read() for m in bundle.getmembers() if m.isfile()}  # type: ignore[union-attr]
    contents = b"".join(files.values())
    assert set(names) >= {"manifest.json", "media.tar"}
    leaked = [n for n, key in enumerate(key_material) if key in contents or base64.b64encode(key) in contents]
    assert not leaked, "field-encryption keys are inside the backup"  # (never print a key)
    assert resident.phone.encode() not in contents  # the database inside holds ciphertext only
    manifest = json.loads(files["manifest.json"])
    assert manifest["tables"]["organizations_person"] == Person.objects.count()


def test_restore_with_another_keyring_fails_the_drill_and_says_to_restore_the_escrow(drill):
    backup = drill["tmp"] / "drill.mulinbak"
    call_command("backup", output=str(backup), key_file=str(drill["key_file"]), create_key=True, stdout=io.StringIO())
    wrong = drill["tmp"] / "wrong_keys.json"
    wrong.write_text(
        json.dumps(
            {
                "active": 1,
                "keys": {"1": base64.b64encode(os.urandom(16)).decode()},
                "index_key": base64.b64encode(os.urandom(16)).decode(),
            }
        )
    )
    url, cleanup = _fresh_database(drill["tmp"])
    try:
        result = _restore(drill, backup, url, wrong, drill["tmp"] / "media-wrong")
    finally:
        cleanup()

    assert result.returncode != 0
    assert "restore drill FAILED" in result.stderr
    assert "restore MULIN_FIELD_KEYS_FILE from escrow" in result.stderr


def test_a_changed_byte_or_a_cut_file_is_refused(drill):
    backup = drill["tmp"] / "drill.mulinbak"
    call_command("backup", output=str(backup), key_file=str(drill["key_file"]), create_key=True, stdout=io.StringIO())
    data = bytearray(backup.read_bytes())
    key = backup_key_load(drill["key_file"])
    from mulin.core.backup import BackupError

    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    for damaged in (bytes(flipped), bytes(data[: len(data) - 100])):
        with pytest.raises(BackupError):
            decrypt_stream(io.BytesIO(damaged), io.BytesIO(), key)


def test_restore_refuses_a_database_that_is_not_empty(drill):
    backup = drill["tmp"] / "drill.mulinbak"
    call_command("backup", output=str(backup), key_file=str(drill["key_file"]), create_key=True, stdout=io.StringIO())
    url, cleanup = _fresh_database(drill["tmp"])
    try:
        first = _restore(drill, backup, url, drill["escrow"], drill["tmp"] / "media-1")
        again = _restore(drill, backup, url, drill["escrow"], drill["tmp"] / "media-2")
    finally:
        cleanup()

    assert first.returncode == 0, first.stderr
    assert again.returncode != 0
    assert "restore only into a new, empty database" in again.stderr
