from django.db import migrations

# Plain data and a function that takes the historical model (no app code runs here).
from mulin.wishes.defaults import ensure_default_categories


def add_categories(apps, schema_editor):
    ensure_default_categories(apps.get_model("wishes", "WishCategory"))


class Migration(migrations.Migration):
    dependencies = [("wishes", "0001_wall_lifecycle_photos_rollup")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
