from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django's forms end every label with _(":") unless it already ends in one of _(":?.!"). Django's
# own zh_Hans catalogue keeps the ASCII colon; naming both here puts them in our catalogue, which
# takes precedence, so Chinese labels end in "：" and a label ending in "？" gets none.
gettext_noop(":")
gettext_noop(":?.!")


class WebConfig(AppConfig):
    name = "mulin.web"
    label = "web"
    verbose_name = _("Web shell")

    def ready(self) -> None:
        from mulin.web import attention_providers, navigation_entries  # noqa: F401
