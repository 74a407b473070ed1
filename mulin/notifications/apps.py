from django.utils.translation import gettext_lazy as _

# The module, not the class: Django picks the one AppConfig class this file holds (docs/modules.md).
from mulin.core import modules


class NotificationsConfig(modules.DomainAppConfig):
    name = "mulin.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
