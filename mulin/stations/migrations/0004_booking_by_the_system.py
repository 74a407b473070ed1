"""Bookings the system makes (the demo, imports) have no asker. SQLite changes a column by rebuilding
the table, which drops its triggers, so the overlap guard of 0002 is put back afterwards."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

guard = import_module("mulin.stations.migrations.0002_booking_overlap_guard")


def _sqlite_guard_again(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        for statement in guard.SQLITE_DROP + guard.SQLITE_ADD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_verbose_names"),
        ("stations", "0003_default_station_types"),
    ]

    operations = [
        migrations.AlterField(
            model_name="roombooking",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.person",
                verbose_name="asked by",
            ),
        ),
        migrations.RunPython(_sqlite_guard_again, migrations.RunPython.noop),
    ]
