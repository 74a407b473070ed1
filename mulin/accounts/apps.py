from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class AccountsConfig(modules.DomainAppConfig):
    default = True
    name = "mulin.accounts"
    label = "accounts"
    verbose_name = _("Accounts")


class MulinAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "mulin.accounts.admin_site.MulinAdminSite"
