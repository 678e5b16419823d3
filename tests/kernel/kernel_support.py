"""Fixture plugins for hermetic kernel tests.

Kernel tests never load the installed plugins: each builds an engine from the kernel's own
rules plus small plugins defined here, so a change in a bundled plugin cannot make a kernel
test pass or fail.  A fixture plugin is a namespace whose attributes are hook
implementations named exactly as the hookspecs (the engine reads the function name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cleanclaim.config import Config
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, Rule
from cleanclaim.engine import Engine
from cleanclaim.models import Report
from cleanclaim.plugin import PLUGIN_API, hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo

#: a date of service in FY2026, which the packaged refdata covers.
DAY = "2026-05-12"


def _hook(name: str, value: Any) -> Callable[[], Any]:
    def implementation() -> Any:
        return value() if callable(value) else value

    implementation.__name__ = name
    return hookimpl(implementation)  # type: ignore[no-any-return]


def fixture_plugin(
    name: str = "fixture",
    *,
    prefix: str = "FX",
    api: int = PLUGIN_API,
    info: bool = True,
    **hooks: Any,
) -> object:
    """A plugin object: ``hooks`` maps short hook names (``pairings``) to what they return.

    A value may be a callable, called when the hook runs (to raise, for example).
    """
    attrs: dict[str, Any] = {}
    if info:
        attrs["cleanclaim_plugin_info"] = _hook(
            "cleanclaim_plugin_info", PluginInfo(name=name, api=api, rule_prefix=prefix)
        )
    for short, value in hooks.items():
        attrs[f"cleanclaim_{short}"] = staticmethod(_hook(f"cleanclaim_{short}", value))
    if "cleanclaim_plugin_info" in attrs:
        attrs["cleanclaim_plugin_info"] = staticmethod(attrs["cleanclaim_plugin_info"])
    plugin = type(f"FixturePlugin_{name}", (), attrs)()
    plugin.__name__ = name  # type: ignore[attr-defined]  # the engine registers under it
    return plugin


def make_rule(
    rule_id: str,
    check: Callable[[ClaimContext, Mapping[str, Any]], Iterable[Hit]],
    **extra: Any,
) -> Rule:
    """A rule with every catalog section filled, for plugins that only need a check."""
    fields: dict[str, Any] = {
        "name": f"fixture-{rule_id.lower()}",
        "summary": "Fixture rule.",
        "why": "Exercises the engine.",
        "example": "Any claim.",
        "fix": "Nothing to fix.",
        "reference": "tests/kernel",
    }
    fields.update(extra)
    return Rule(id=rule_id, check=check, **fields)


def engine_with(*plugins: object, config: Config | None = None, strict: bool = False) -> Engine:
    """The kernel's rules plus exactly ``plugins``: never what happens to be installed."""
    return Engine.build(list(plugins), installed=False, config=config, strict=strict)


def claim(*diagnoses: str, day: str = DAY, **fields: Any) -> dict[str, Any]:
    return {"claim_id": "T-1", "date_of_service": day, "diagnoses": list(diagnoses), **fields}


def line(
    procedure: str, *pointers: int, modifiers: Iterable[str] = (), units: int = 1
) -> dict[str, Any]:
    return {
        "procedure": procedure,
        "diagnosis_pointers": list(pointers),
        "modifiers": list(modifiers),
        "units": units,
    }


def rules_of(report: Report) -> list[str]:
    return [f.rule for f in report.findings]


def only(report: Report, rule: str) -> list[Any]:
    return [f for f in report.findings if f.rule == rule]
