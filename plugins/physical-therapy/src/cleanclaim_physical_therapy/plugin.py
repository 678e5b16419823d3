"""Hook implementations of the physical-therapy plugin: contributions only, no logic.

Everything is read from ``data/*.toml`` (with :mod:`cleanclaim.rulekit`) when the engine
is built; the rules live in :mod:`cleanclaim_physical_therapy.rules`, one module a rule.
"""

from __future__ import annotations

from cleanclaim.contributions import (
    DocumentationCheck,
    Pairing,
    PayerOverride,
    Procedure,
    Rule,
)
from cleanclaim.plugin import hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.rulekit import load_contributions

from cleanclaim_physical_therapy import PACKAGE


@hookimpl
def cleanclaim_plugin_info() -> PluginInfo:
    return PluginInfo(
        name="physical-therapy",
        api=2,  # the plugin API this plugin is written for
        rule_prefix="PT",
        summary="Outpatient physical therapy: GP/CQ/KX modifiers, timed units vs minutes "
        "(8-minute rule), 97014 vs G0283, documentation for back spasm and back pain.",
    )


@hookimpl
def cleanclaim_rules() -> list[Rule]:
    from cleanclaim_physical_therapy.rules import RULES

    return list(RULES)


@hookimpl
def cleanclaim_procedures() -> list[Procedure]:
    from cleanclaim_physical_therapy.policy import procedures

    return list(procedures())


@hookimpl
def cleanclaim_pairings() -> list[Pairing]:
    return load_contributions(PACKAGE, "data/pairings.toml", "pairing", Pairing)


@hookimpl
def cleanclaim_documentation_checks() -> list[DocumentationCheck]:
    return load_contributions(PACKAGE, "data/documentation.toml", "check", DocumentationCheck)


@hookimpl
def cleanclaim_payer_overrides() -> list[PayerOverride]:
    return load_contributions(PACKAGE, "data/payer_overrides.toml", "override", PayerOverride)
