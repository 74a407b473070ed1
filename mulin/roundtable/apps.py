from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class RoundtableConfig(modules.DomainAppConfig):
    name = "mulin.roundtable"
    label = "roundtable"
    verbose_name = _("Resident roundtable")
    demo_step = "mulin.roundtable.demo.seed_demo_roundtable"
