from django.db import migrations

# Plain data and a function that takes the historical model (no app code runs here).
from mulin.points.defaults import ensure_default_rules


def add_rules(apps, schema_editor):
    ensure_default_rules(apps.get_model("points", "PointRule"))


class Migration(migrations.Migration):
    dependencies = [("points", "0002_ledger_append_only_guard")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
