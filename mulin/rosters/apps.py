from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    name = "mulin.rosters"
    label = "rosters"
    verbose_name = _("Duty rosters")

    def ready(self) -> None:
        # Notification kinds, menu and home-page entries, background and periodic jobs.
        from mulin.rosters import kinds, navigation, tasks  # noqa: F401
