from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "mulin.accounts"
    label = "accounts"
    verbose_name = _("Accounts")


class MulinAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "mulin.accounts.admin_site.MulinAdminSite"
