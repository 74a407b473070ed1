"""SM4-GCM field encryption, key versions, blind indexes and the key-rotation command."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from mulin.core.crypto import (
    DecryptionError,
    blind_index,
    decrypt,
    encrypt,
    encrypted_columns,
    key_version_of,
    keyring,
)
from mulin.core.normalizers import id_number_check_digit
from mulin.core.tests.keyrings import fresh_keyring, with_new_active_version, write_keyring
from mulin.organizations.models import PartyMembership, Person
from mulin.organizations.tests.factories import make_person

CONTEXT = "organizations.person.phone"
ID_NUMBER = "33010519600101001" + id_number_check_digit("33010519600101001")


@pytest.fixture
def own_keyring(settings, tmp_path):  # type: ignore[no-untyped-def]
    """A keyring of this test's own; the settings fixture puts the shared one back afterwards."""
    settings.MULIN_FIELD_KEYS_FILE = fresh_keyring(tmp_path / "keys.json")
    return settings


def raw_column(model: type, column: str, pk: int) -> str:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def set_raw_column(model: type, column: str, pk: int, value: str) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(table)} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",  # noqa: S608
            [value, pk],
        )


# --- encrypt / decrypt ---------------------------------------------------------------------------


@pytest.mark.parametrize("plaintext", ["13800138000", "330105196001010011", "南八苑1幢1单元101室", "𠈌 😀", "a" * 5000])
def test_round_trip_returns_the_plaintext(plaintext):
    stored = encrypt(plaintext, context=CONTEXT)

    assert stored.startswith(f"v{keyring().active_version}:")
    assert plaintext not in stored
    assert decrypt(stored, context=CONTEXT) == plaintext


def test_same_plaintext_encrypts_differently_each_time():
    assert encrypt("13800138000", context=CONTEXT) != encrypt("13800138000", context=CONTEXT)


def _flip(stored: str, position: int) -> str:
    prefix, _, token = stored.partition(":")
    blob = bytearray(base64.b64decode(token))
    blob[position] ^= 0x01
    return f"{prefix}:{base64.b64encode(bytes(blob)).decode()}"


@pytest.mark.parametrize("position", [0, 12, 14, -1], ids=["nonce", "ciphertext", "ciphertext-end", "tag"])
def test_any_changed_byte_is_detected(position):
    stored = encrypt("13800138000", context=CONTEXT)

    with pytest.raises(DecryptionError):
        decrypt(_flip(stored, position), context=CONTEXT)


@pytest.mark.parametrize(
    "stored",
    ["", "13800138000", "v1:", "v1:!!!notbase64", "v1:" + base64.b64encode(b"short").decode(), "v99:AAAA", "x1:AAAA"],
    ids=["empty", "plaintext", "no-token", "not-base64", "too-short", "unknown-version", "no-v"],
)
def test_malformed_values_raise_decryption_error_not_something_else(stored):
    with pytest.raises(DecryptionError):
        decrypt(stored, context=CONTEXT)


def test_ciphertext_from_another_column_does_not_decrypt():
    stored = encrypt("13800138000", context="organizations.person.phone")

    with pytest.raises(DecryptionError):
        decrypt(stored, context="organizations.person.address")
    with pytest.raises(DecryptionError):
        decrypt(stored, context="organizations.partymembership.status")


def test_value_encrypted_under_another_key_does_not_decrypt(own_keyring, tmp_path):
    stored = encrypt("13800138000", context=CONTEXT)
    own_keyring.MULIN_FIELD_KEYS_FILE = fresh_keyring(tmp_path / "other.json")

    with pytest.raises(DecryptionError):
        decrypt(stored, context=CONTEXT)


def test_old_key_version_still_decrypts_after_a_new_active_version(own_keyring, tmp_path):
    old = encrypt("13800138000", context=CONTEXT)
    own_keyring.MULIN_FIELD_KEYS_FILE = with_new_active_version(keyring(), tmp_path / "v2.json")

    new = encrypt("13800138000", context=CONTEXT)

    assert key_version_of(old) == 1
    assert key_version_of(new) == 2
    assert decrypt(old, context=CONTEXT) == "13800138000"
    assert decrypt(new, context=CONTEXT) == "13800138000"


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"active": 1, "keys": {}}',
        '{"active": 2, "keys": {"1": "AAAAAAAAAAAAAAAAAAAAAA=="}, "index_key": "AAAAAAAAAAAAAAAAAAAAAA=="}',
        '{"active": 1, "keys": {"1": "AAAA"}, "index_key": "AAAAAAAAAAAAAAAAAAAAAA=="}',
        '{"active": 1, "keys": {"1": "AAAAAAAAAAAAAAAAAAAAAA=="}, "index_key": "AAAA"}',
        '{"active": 1, "keys": {"1": "AAAAAAAAAAAAAAAAAAAAAA=="}, "index_key": "AAAAAAAAAAAAAAAAAAAAAA=="}',
    ],
    ids=["not-json", "no-index-key", "active-missing", "short-key", "short-index-key", "index-key-reused"],
)
def test_broken_keyring_refuses_to_start(settings, tmp_path, content):
    path = tmp_path / "keys.json"
    path.write_text(content)
    settings.MULIN_FIELD_KEYS_FILE = str(path)

    with pytest.raises(ImproperlyConfigured):
        keyring()
    from mulin.core.checks import check_field_keyring

    assert [error.id for error in check_field_keyring()] == ["mulin.E001"]


def test_missing_keyring_refuses_to_start(settings, tmp_path):
    settings.MULIN_FIELD_KEYS_FILE = str(tmp_path / "absent.json")

    with pytest.raises(ImproperlyConfigured):
        encrypt("x", context=CONTEXT)


# --- blind index --------------------------------------------------------------------------------


def test_blind_index_is_deterministic_and_separates_kinds():
    assert blind_index("phone", "13800138000") == blind_index("phone", "13800138000")
    assert blind_index("phone", "13800138000") != blind_index("phone", "13800138001")
    assert blind_index("phone", "13800138000") != blind_index("id_number", "13800138000")
    assert len(blind_index("phone", "13800138000")) == 32
    assert "13800138000" not in blind_index("phone", "13800138000")


def test_blind_index_depends_on_the_index_key(own_keyring, tmp_path):
    before = blind_index("phone", "13800138000")
    ring = keyring()
    own_keyring.MULIN_FIELD_KEYS_FILE = write_keyring(
        tmp_path / "other-index.json", keys=ring.keys, active=ring.active_version, index_key=secrets.token_bytes(32)
    )

    assert blind_index("phone", "13800138000") != before


def test_data_key_rotation_keeps_the_blind_index(own_keyring, tmp_path):
    before = blind_index("phone", "13800138000")
    own_keyring.MULIN_FIELD_KEYS_FILE = with_new_active_version(keyring(), tmp_path / "v2.json")

    assert blind_index("phone", "13800138000") == before


# --- the model field ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_database_holds_no_plaintext_phone_id_number_or_address(street):
    person = make_person(
        home=street.nanyuan_building, phone="13912345678", id_number=ID_NUMBER, address="南八苑1幢101室"
    )

    for column, plaintext in [("phone", "13912345678"), ("id_number", ID_NUMBER), ("address", "南八苑")]:
        stored = raw_column(Person, column, person.pk)
        assert stored.startswith("v")
        assert plaintext not in stored
        assert "12345678" not in stored
    assert raw_column(Person, "phone_index", person.pk) == blind_index("phone", "13912345678")
    reloaded = Person.objects.get(pk=person.pk)
    assert (reloaded.phone, reloaded.id_number, reloaded.address) == (
        "13912345678",
        ID_NUMBER,
        "南八苑1幢101室",
    )


@pytest.mark.django_db
def test_ciphertext_moved_into_another_column_fails_to_load(street):
    person = make_person(home=street.nanyuan_building, phone="13912345678")
    set_raw_column(Person, "address", person.pk, raw_column(Person, "phone", person.pk))

    with pytest.raises(DecryptionError):
        Person.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_tampered_column_fails_to_load(street):
    person = make_person(home=street.nanyuan_building, phone="13912345678")
    set_raw_column(Person, "phone", person.pk, _flip(raw_column(Person, "phone", person.pk), 13))

    with pytest.raises(DecryptionError):
        Person.objects.get(pk=person.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("lookup", ["", "__exact", "__iexact", "__contains", "__startswith", "__in", "__gt"])
def test_encrypted_field_refuses_lookups(lookup):
    value = ["13800138000"] if lookup == "__in" else "13800138000"

    with pytest.raises(FieldError):
        list(Person.objects.filter(**{f"phone{lookup}": value}))


@pytest.mark.django_db
def test_encrypted_field_allows_isnull(street):
    make_person(home=street.nanyuan_building)

    assert Person.objects.filter(phone__isnull=False).count() == 1


@pytest.mark.django_db
def test_empty_value_is_stored_empty_not_encrypted(street):
    person = make_person(home=street.nanyuan_building, address="")

    assert raw_column(Person, "address", person.pk) == ""
    assert Person.objects.get(pk=person.pk).address == ""


def test_every_encrypted_column_is_listed_once():
    columns = {f"{model._meta.label_lower}.{field.name}" for model, field in encrypted_columns()}

    assert {"organizations.person.phone", "organizations.person.id_number", "organizations.person.address"} <= columns
    assert {"organizations.partymembership.status", "organizations.partymembership.joined_on"} <= columns
    assert len(columns) == len(encrypted_columns())


# --- rotate_field_keys --------------------------------------------------------------------------


def _all_raw_values() -> dict[tuple[str, int], str]:
    values = {}
    for model, field in encrypted_columns():
        for pk in model._base_manager.values_list("pk", flat=True):
            values[(f"{model._meta.label_lower}.{field.name}", pk)] = raw_column(model, field.column, pk)
    return values


@pytest.mark.django_db
def test_rotate_field_keys_reencrypts_everything_under_the_active_version(own_keyring, street, tmp_path):
    people = [
        make_person(home=street.nanyuan_building, member_of=street.nanyuan_branch, address=f"{n}号") for n in range(5)
    ]
    plain = {p.pk: (p.phone, p.id_number, p.address) for p in people}
    updated_at = dict(Person.objects.values_list("pk", "updated_at"))
    own_keyring.MULIN_FIELD_KEYS_FILE = with_new_active_version(keyring(), tmp_path / "v2.json")

    call_command("rotate_field_keys", batch_size=2, stdout=open("/dev/null", "w"))  # noqa: SIM115

    values = _all_raw_values()
    assert values
    assert all(stored == "" or stored.startswith("v2:") for stored in values.values())
    for person in Person.objects.filter(pk__in=plain):
        assert (person.phone, person.id_number, person.address) == plain[person.pk]
    assert PartyMembership.objects.get(person=people[0]).status == PartyMembership.Status.FULL
    assert dict(Person.objects.values_list("pk", "updated_at")) == updated_at


@pytest.mark.django_db
def test_rotate_field_keys_twice_changes_nothing_the_second_time(own_keyring, street, tmp_path, capsys):
    make_person(home=street.nanyuan_building)
    make_person(home=street.cuiyu_building)
    own_keyring.MULIN_FIELD_KEYS_FILE = with_new_active_version(keyring(), tmp_path / "v2.json")
    call_command("rotate_field_keys")
    after_first = _all_raw_values()
    capsys.readouterr()

    call_command("rotate_field_keys")

    assert _all_raw_values() == after_first
    assert "organizations.Person.phone: examined 2, re-encrypted 0" in capsys.readouterr().out


@pytest.mark.django_db
def test_rotate_field_keys_dry_run_changes_nothing(own_keyring, street, tmp_path, capsys):
    make_person(home=street.nanyuan_building)
    before = _all_raw_values()
    own_keyring.MULIN_FIELD_KEYS_FILE = with_new_active_version(keyring(), tmp_path / "v2.json")

    call_command("rotate_field_keys", dry_run=True)

    assert _all_raw_values() == before
    assert "organizations.Person.phone: examined 1, would re-encrypt 1" in capsys.readouterr().out


@pytest.mark.django_db
def test_rotate_field_keys_reports_values_it_cannot_decrypt_and_rotates_the_rest(own_keyring, street, tmp_path):
    good = make_person(home=street.nanyuan_building)
    bad = make_person(home=street.nanyuan_building)
    set_raw_column(Person, "phone", bad.pk, _flip(raw_column(Person, "phone", bad.pk), 13))
    own_keyring.MULIN_FIELD_KEYS_FILE = with_new_active_version(keyring(), tmp_path / "v2.json")

    with pytest.raises(CommandError, match=f"organizations.Person.phone pk={bad.pk}"):
        call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert raw_column(Person, "phone", good.pk).startswith("v2:")
    assert raw_column(Person, "phone", bad.pk).startswith("v1:")


def test_rotate_field_keys_help_explains_key_handling():
    from mulin.core.management.commands.rotate_field_keys import Command

    assert "MULIN_FIELD_KEYS_FILE" in Command.help
    assert "restart" in Command.help
    assert "SECRET_KEY" in Command.help


# --- rotate_index_key ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_rotate_index_key_rewrites_every_index_and_people_can_still_sign_in(own_keyring, street, client):
    from mulin.organizations.tests.factories import TEST_PASSWORD

    people = [make_person(home=street.nanyuan_building, with_account=True) for _ in range(3)]
    no_phone = make_person(home=street.cuiyu_building, phone="")
    old_ring = keyring()
    old_indexes = dict(Person.objects.values_list("pk", "phone_index"))
    updated_at = dict(Person.objects.values_list("pk", "updated_at"))

    call_command("rotate_index_key", yes=True, stdout=open("/dev/null", "w"))  # noqa: SIM115

    ring = keyring()
    assert ring.index_key != old_ring.index_key
    assert ring.keys == old_ring.keys and ring.active_version == old_ring.active_version
    for person in Person.objects.filter(pk__in=[p.pk for p in people]):
        assert person.phone_index == blind_index("phone", person.phone) != old_indexes[person.pk]
        assert person.id_number_index == blind_index("id_number", person.id_number)
    assert Person.objects.get(pk=no_phone.pk).phone_index is None
    assert dict(Person.objects.values_list("pk", "updated_at")) == updated_at
    response = client.post("/accounts/login/", {"phone": people[0].phone, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert not (Path(own_keyring.MULIN_FIELD_KEYS_FILE).parent / "keys.json.next").exists()


@pytest.mark.django_db
def test_rotate_index_key_finishes_an_interrupted_run_with_the_same_new_key(own_keyring, street):
    person = make_person(home=street.nanyuan_building)
    path = Path(own_keyring.MULIN_FIELD_KEYS_FILE)
    pending = path.with_name(path.name + ".next")
    next_key = secrets.token_bytes(32)
    ring = keyring()
    write_keyring(pending, keys=ring.keys, active=ring.active_version, index_key=next_key)

    call_command("rotate_index_key", yes=True, stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert keyring().index_key == next_key
    assert Person.objects.get(pk=person.pk).phone_index == blind_index("phone", person.phone, index_key=next_key)
    assert not pending.exists()


@pytest.mark.django_db
def test_rotate_index_key_needs_the_operator_to_confirm_the_application_is_stopped(own_keyring, street):
    make_person(home=street.nanyuan_building)
    before = dict(Person.objects.values_list("pk", "phone_index"))

    with pytest.raises(CommandError, match="Stop every web"):
        call_command("rotate_index_key")

    assert dict(Person.objects.values_list("pk", "phone_index")) == before
