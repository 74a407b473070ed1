from django.db import migrations

from mulin.points.defaults import ensure_default_rules


def add_rules(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The app's points.py registers the event (with its default rules) when apps are ready.
    ensure_default_rules(apps.get_model("points", "PointRule"), events=["patrols.logged"])


class Migration(migrations.Migration):
    dependencies = [("patrols", "0002_patrol_logs"), ("points", "0003_default_rules")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
