from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mulin.core"
    label = "core"
    verbose_name = "Mulin core"
