"""Domain apps plug themselves in through their AppConfig: registering modules imported when the
app is ready, and the demo and bench-generator steps named there, in INSTALLED_APPS order."""

from __future__ import annotations

import sys
from pathlib import Path

from django.apps import apps

from mulin.core.modules import REGISTERING_MODULES, DomainAppConfig, bench_steps, demo_steps


def test_every_mulin_app_but_the_infrastructure_and_the_interfaces_is_a_domain_app():
    # An apps.py that imports DomainAppConfig by name holds two AppConfig classes, and Django then
    # silently uses a plain AppConfig: nothing of the app would be registered.
    others = {"core", "web", "api", "demo", "dashboard"}
    mulin_apps = [config for config in apps.get_app_configs() if config.name.startswith("mulin.")]
    assert [config.label for config in mulin_apps if config.label not in others] == [
        config.label for config in mulin_apps if isinstance(config, DomainAppConfig)
    ]
    assert "wishes" in [config.label for config in mulin_apps if isinstance(config, DomainAppConfig)]


def test_every_registering_module_of_every_domain_app_is_imported_once_the_apps_are_ready():
    domain_apps = [config for config in apps.get_app_configs() if isinstance(config, DomainAppConfig)]
    for config in domain_apps:
        for name in REGISTERING_MODULES:
            module = f"{config.name}.{name}"
            has_file = Path(config.path, f"{name}.py").exists()
            assert (module in sys.modules) == has_file, module
    assert {"mulin.wishes.kinds", "mulin.wishes.navigation", "mulin.wishes.attention", "mulin.wishes.tasks"} <= set(
        sys.modules
    )


def test_demo_and_bench_steps_come_from_the_apps_in_installed_apps_order():
    steps = [f"{step.__module__}.{step.__qualname__}" for step in demo_steps()]
    declared = [
        config.demo_step
        for config in apps.get_app_configs()
        if isinstance(config, DomainAppConfig) and config.demo_step
    ]
    assert steps == declared
    assert steps.index("mulin.wishes.demo.seed_demo_wishes") < steps.index("mulin.workorders.demo.seed_demo_workorders")
    assert bench_steps()[:2] == [
        ("organizations", "tools.bench.gen.organizations.generate"),
        ("wishes", "tools.bench.gen.wishes.generate"),
    ]
