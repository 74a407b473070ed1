from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mulin.core"
    label = "core"
    verbose_name = "Mulin core"

    def ready(self) -> None:
        from mulin.core import retention  # noqa: F401  (registers the daily purge)
