"""Never two confirmed bookings of one room at overlapping times, whoever writes: PostgreSQL refuses
them with an exclusion constraint (btree_gist for the room's equality), SQLite with triggers on
insert and update. Both name `booking_no_overlap` in the error, which services.py turns into a
message (`_guarded`)."""

from django.db import migrations

POSTGRES_ADD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE stations_roombooking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist "
    "(room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status = 'confirmed')",
]
POSTGRES_DROP = ["ALTER TABLE stations_roombooking DROP CONSTRAINT IF EXISTS booking_no_overlap"]

_OVERLAP = (
    "NEW.status = 'confirmed' AND EXISTS (SELECT 1 FROM stations_roombooking other "
    "WHERE other.room_id = NEW.room_id AND other.id IS NOT NEW.id AND other.status = 'confirmed' "
    "AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at)"
)
SQLITE_ADD = [
    "CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON stations_roombooking "
    f"WHEN {_OVERLAP} BEGIN SELECT RAISE(ABORT, 'booking_no_overlap'); END",
    "CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE OF status, starts_at, ends_at, room_id "
    f"ON stations_roombooking WHEN {_OVERLAP} BEGIN SELECT RAISE(ABORT, 'booking_no_overlap'); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS booking_no_overlap_insert", "DROP TRIGGER IF EXISTS booking_no_overlap_update"]


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_stations_rooms_bookings")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_ADD, "sqlite": SQLITE_ADD}),
            _run({"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}),
        )
    ]
