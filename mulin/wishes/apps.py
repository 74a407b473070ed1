from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "mulin.wishes"
    label = "wishes"
    verbose_name = _("Micro-wishes")

    def ready(self) -> None:
        # Notification kinds, menu and home-page entries, background and periodic jobs.
        from mulin.wishes import attention, kinds, navigation, tasks  # noqa: F401
