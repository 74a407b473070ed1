from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class ActivitiesConfig(modules.DomainAppConfig):
    name = "mulin.activities"
    label = "activities"
    verbose_name = _("Activities")
    demo_step = "mulin.activities.demo.seed_demo_activities"
