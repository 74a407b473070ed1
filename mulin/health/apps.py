from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class HealthConfig(modules.DomainAppConfig):
    name = "mulin.health"
    label = "health"
    verbose_name = _("Health checks")
    demo_step = "mulin.health.demo.seed_demo_health_checks"
