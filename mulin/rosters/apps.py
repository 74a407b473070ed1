from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class RostersConfig(modules.DomainAppConfig):
    name = "mulin.rosters"
    label = "rosters"
    verbose_name = _("Duty rosters")
    demo_step = "mulin.rosters.demo.seed_demo_rosters"
