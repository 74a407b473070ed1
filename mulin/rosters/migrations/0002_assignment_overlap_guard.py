"""Nobody stands duty in two places at once, whoever writes: PostgreSQL refuses overlapping active
assignments of one person with an exclusion constraint (btree_gist for the person's equality),
SQLite with triggers on insert and update. Both name `assignment_no_overlap` in the error, which
the services turn into a message (services/duty.py, `guarded`)."""

from django.db import migrations

ACTIVE = "('assigned', 'checked_in', 'completed')"

POSTGRES_ADD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE rosters_assignment ADD CONSTRAINT assignment_no_overlap EXCLUDE USING gist "
    "(person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
    f"WHERE (status IN {ACTIVE})",
]
POSTGRES_DROP = ["ALTER TABLE rosters_assignment DROP CONSTRAINT IF EXISTS assignment_no_overlap"]

_OVERLAP = (
    f"NEW.status IN {ACTIVE} AND EXISTS (SELECT 1 FROM rosters_assignment other "
    "WHERE other.person_id = NEW.person_id AND other.id IS NOT NEW.id "
    f"AND other.status IN {ACTIVE} AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at)"
)
SQLITE_ADD = [
    "CREATE TRIGGER assignment_no_overlap_insert BEFORE INSERT ON rosters_assignment "
    f"WHEN {_OVERLAP} BEGIN SELECT RAISE(ABORT, 'assignment_no_overlap'); END",
    "CREATE TRIGGER assignment_no_overlap_update BEFORE UPDATE OF status, starts_at, ends_at, person_id "
    f"ON rosters_assignment WHEN {_OVERLAP} BEGIN SELECT RAISE(ABORT, 'assignment_no_overlap'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS assignment_no_overlap_insert",
    "DROP TRIGGER IF EXISTS assignment_no_overlap_update",
]


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("rosters", "0001_duty_rosters")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_ADD, "sqlite": SQLITE_ADD}),
            _run({"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}),
        )
    ]
