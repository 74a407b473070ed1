from django.db import migrations

# Plain data and a function that takes the historical model (no app code runs here).
from mulin.rosters.defaults import ensure_default_rules


def add_rules(apps, schema_editor):  # type: ignore[no-untyped-def]
    ensure_default_rules(apps.get_model("points", "PointRule"))


class Migration(migrations.Migration):
    dependencies = [("rosters", "0002_assignment_overlap_guard"), ("points", "0003_default_rules")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
