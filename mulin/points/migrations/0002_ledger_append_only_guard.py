from django.db import migrations

# SQL kept beside the code that tests it; the statements are fixed strings.
from mulin.points.ledger_guard import guard_enabled, ledger_guard_install, ledger_guard_remove


def install(apps, schema_editor):
    if guard_enabled():
        ledger_guard_install(schema_editor.connection)


def remove(apps, schema_editor):
    ledger_guard_remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("points", "0001_ledger_rules_certificates")]
    operations = [migrations.RunPython(install, remove)]
