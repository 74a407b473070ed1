from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class WorkOrdersConfig(modules.DomainAppConfig):
    name = "mulin.workorders"
    label = "workorders"
    verbose_name = _("Work orders")
    demo_step = "mulin.workorders.demo.seed_demo_workorders"
