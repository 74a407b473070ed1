from django.db import migrations


def add_types(apps, schema_editor):  # type: ignore[no-untyped-def]
    from mulin.stations.defaults import ensure_default_types

    ensure_default_types(apps.get_model("stations", "StationType"))


class Migration(migrations.Migration):
    dependencies = [("stations", "0002_booking_overlap_guard")]
    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
