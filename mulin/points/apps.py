from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "mulin.points"
    label = "points"
    verbose_name = _("Service points")

    def ready(self) -> None:
        from mulin.points import kinds, navigation  # noqa: F401  (registers notification kinds and menu entries)
