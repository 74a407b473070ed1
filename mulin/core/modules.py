"""How a domain app plugs itself in, so that adding one means its own files, one line in
INSTALLED_APPS and one include in each URL map (docs/modules.md).

Its AppConfig derives from `DomainAppConfig`:

- `ready()` imports the app's registering modules that exist — `kinds.py` (notification kinds),
  `points.py` (point events and their default rules), `navigation.py` (menu entries),
  `attention.py` (home-page items), `tasks.py` (background and periodic jobs), `audit_verbs.py`
  (what its audit codes mean, core/audit_labels.py) — each of which
  registers itself with a registry below every app (core, notifications, points);
- `demo_step` names (dotted path, imported only when the demo is built) the function that adds the
  app's part to the Daguan demo street: `step(actor, units)`, idempotent;
- `bench_step` names the benchmark generator's step for the app: `generate(ctx)` in
  `tools/bench/gen/<app>.py` (a string, so the app never imports the tools).

Steps run in INSTALLED_APPS order, so an app comes after the apps it depends on.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string, module_has_submodule

REGISTERING_MODULES = ("kinds", "points", "navigation", "attention", "tasks", "audit_verbs")


class DomainAppConfig(AppConfig):
    """The AppConfig of a domain app (accounts, organizations, notifications, points, wishes …)."""

    demo_step: str = ""  # e.g. "mulin.wishes.demo.seed_demo_wishes"
    bench_step: str = ""  # e.g. "tools.bench.gen.wishes.generate"

    def ready(self) -> None:
        for name in REGISTERING_MODULES:
            if module_has_submodule(self.module, name):
                import_module(f"{self.name}.{name}")


def _domain_apps() -> list[DomainAppConfig]:
    return [config for config in apps.get_app_configs() if isinstance(config, DomainAppConfig)]


def demo_steps() -> list[Callable[..., object]]:
    """The apps' demo steps, in INSTALLED_APPS order."""
    return [import_string(config.demo_step) for config in _domain_apps() if config.demo_step]


def bench_steps() -> list[tuple[str, str]]:
    """(app label, dotted path) of the apps' benchmark generator steps, in INSTALLED_APPS order."""
    return [(config.label, config.bench_step) for config in _domain_apps() if config.bench_step]
