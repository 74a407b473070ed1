from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class WishesConfig(modules.DomainAppConfig):
    name = "mulin.wishes"
    label = "wishes"
    verbose_name = _("Micro-wishes")
    demo_step = "mulin.wishes.demo.seed_demo_wishes"
    bench_step = "tools.bench.gen.wishes.generate"
