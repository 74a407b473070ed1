from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "mulin.organizations"
    label = "organizations"
    verbose_name = _("Organisation and people")

    def ready(self) -> None:
        from mulin.organizations import attention, navigation  # noqa: F401  (registers menu and home-page entries)
