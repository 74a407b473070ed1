from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class PatrolsConfig(modules.DomainAppConfig):
    name = "mulin.patrols"
    label = "patrols"
    verbose_name = _("River patrols")
    demo_step = "mulin.patrols.demo.seed_demo_patrols"
