from django.db import migrations

# Plain data and a function that takes the historical model (no app code runs here).
from mulin.workorders.defaults import ensure_default_categories


def add_categories(apps, schema_editor):
    ensure_default_categories(apps.get_model("workorders", "WorkOrderCategory"))


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_work_orders")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
