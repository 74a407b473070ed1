from decimal import Decimal

from django.db import migrations

# The rules as they were when this migration was written (a migration must not change with the
# code: later rules come from the apps' point events, points/defaults.py). The wish event was
# then called "wish.closed"; wishes.0003 renames it.
RULES = [
    {
        "code": "wish-fulfilled",
        "event": "wish.closed",
        "account": "service",
        "name_zh_hans": "圆梦微心愿",
        "name_en": "Fulfilled a micro-wish",
        "points": Decimal(10),
        "hours_mode": "from_source",
        "max_hours": Decimal(8),
        "applies_to": "everyone",
    },
    {
        "code": "wish-fulfilled-assessment",
        "event": "wish.closed",
        "account": "assessment",
        "name_zh_hans": "党员认领并圆梦微心愿",
        "name_en": "Party member fulfilled a micro-wish",
        "points": Decimal(2),
        "hours_mode": "none",
        "max_hours": Decimal(0),
        "applies_to": "party_members",
    },
]


def add_rules(apps, schema_editor):
    model = apps.get_model("points", "PointRule")
    for rule in RULES:
        model.objects.get_or_create(code=rule["code"], defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("points", "0002_ledger_append_only_guard")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
