from django.db import migrations


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    from mulin.activities.defaults import ensure_default_types
    from mulin.points.defaults import ensure_default_rules

    ensure_default_types(apps.get_model("activities", "ActivityType"))
    ensure_default_rules(apps.get_model("points", "PointRule"), events=["activities.attended"])


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_activities_signups"), ("points", "0003_default_rules")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
