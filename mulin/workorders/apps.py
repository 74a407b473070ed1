from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkOrdersConfig(AppConfig):
    name = "mulin.workorders"
    label = "workorders"
    verbose_name = _("Work orders")

    def ready(self) -> None:
        # Notification kinds, menu and home-page entries, periodic jobs.
        from mulin.workorders import attention, kinds, navigation, tasks  # noqa: F401
