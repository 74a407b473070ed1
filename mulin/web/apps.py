from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "mulin.web"
    label = "web"
    verbose_name = _("Web shell")

    def ready(self) -> None:
        from mulin.web import attention_providers, navigation_entries  # noqa: F401
