from django.db import migrations

# One name per event across points, notifications and audit (issue 8): the ledger's "wish.closed"
# becomes "wishes.closed", as the notification kind and the audit verb are called.
OLD, NEW = "wish.closed", "wishes.closed"


def rename(apps, schema_editor):
    apps.get_model("points", "PointRule").objects.filter(event=OLD).update(event=NEW)


def rename_back(apps, schema_editor):
    apps.get_model("points", "PointRule").objects.filter(event=NEW).update(event=OLD)


class Migration(migrations.Migration):
    dependencies = [("wishes", "0002_default_categories"), ("points", "0003_default_rules")]
    operations = [migrations.RunPython(rename, rename_back)]
