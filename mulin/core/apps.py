from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mulin.core"
    label = "core"
    verbose_name = "Mulin core"

    def ready(self) -> None:
        from mulin.core import (
            checks,  # noqa: F401  (registers the keyring checks)
            retention,  # noqa: F401  (registers the daily purge)
        )
