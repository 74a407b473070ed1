from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class OrganizationsConfig(modules.DomainAppConfig):
    name = "mulin.organizations"
    label = "organizations"
    verbose_name = _("Organisation and people")
    bench_step = "tools.bench.gen.organizations.generate"  # the tree and the people come first
