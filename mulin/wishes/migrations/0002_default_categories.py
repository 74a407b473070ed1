from decimal import Decimal

from django.db import migrations

# The categories of reference/volunteer_cn.md §3.1 (分类登记); street administrators edit them later.
CATEGORIES = [
    ("daily-life", "生活帮扶", "Daily-life help", ["cleaning", "driving", "elderly_care"], Decimal(2), 10),
    ("elderly", "助老", "Help for older people", ["elderly_care", "counselling"], Decimal(2), 20),
    ("study", "助学", "Help with study", ["tutoring", "it"], Decimal(2), 30),
    ("health", "医疗健康", "Health and medical care", ["medical", "elderly_care"], Decimal("1.5"), 40),
    ("repair", "维修", "Repairs", ["repair"], Decimal("1.5"), 50),
    ("culture", "文化", "Culture", ["arts"], Decimal(2), 60),
    ("other", "其他", "Other", [], Decimal(2), 90),
]


def add_categories(apps, schema_editor):
    WishCategory = apps.get_model("wishes", "WishCategory")
    for code, zh, en, skills, hours, order in CATEGORIES:
        WishCategory.objects.get_or_create(
            code=code,
            defaults={"name_zh_hans": zh, "name_en": en, "skills": skills, "default_hours": hours, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("wishes", "0001_wall_lifecycle_photos_rollup")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
