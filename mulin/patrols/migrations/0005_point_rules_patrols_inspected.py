from django.db import migrations

from mulin.points.defaults import ensure_default_rules


def add_rules(apps, schema_editor):  # type: ignore[no-untyped-def]
    ensure_default_rules(apps.get_model("points", "PointRule"), events=["patrols.inspected"])


class Migration(migrations.Migration):
    dependencies = [("patrols", "0004_inspection_campaigns"), ("points", "0003_default_rules")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
