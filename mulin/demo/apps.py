from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mulin.demo"
    label = "demo"
    verbose_name = "Demo street"
