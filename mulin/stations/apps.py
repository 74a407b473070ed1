from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class StationsConfig(modules.DomainAppConfig):
    name = "mulin.stations"
    label = "stations"
    verbose_name = _("Stations and rooms")
    demo_step = "mulin.stations.demo.seed_demo_stations"
