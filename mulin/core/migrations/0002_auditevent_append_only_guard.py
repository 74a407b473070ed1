from django.db import migrations

# SQL kept beside the code that tests it; the statements are fixed strings.
from mulin.core.append_only import guards_enabled
from mulin.core.audit_guard import audit_guard_install, audit_guard_remove


def install(apps, schema_editor):
    if guards_enabled():
        audit_guard_install(schema_editor.connection)


def remove(apps, schema_editor):
    audit_guard_remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
