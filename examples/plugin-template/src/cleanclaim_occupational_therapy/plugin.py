"""Hook implementations: what this plugin contributes, and nothing else.

Each hook runs once, when an engine is built.  Data comes from ``data/*.toml`` through
:func:`cleanclaim.rulekit.load_contributions`, which names the file and record when one is
malformed; the rules themselves are in :mod:`cleanclaim_occupational_therapy.rules`.
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

from cleanclaim_occupational_therapy import PACKAGE


@hookimpl
def cleanclaim_plugin_info() -> PluginInfo:
    return PluginInfo(
        name="occupational-therapy",
        api=2,  # the plugin API this plugin is written for
        rule_prefix="OT",
        summary="Outpatient occupational therapy (example plugin): GO on OT evaluations "
        "for Medicare, evaluation pairings and documentation.",
    )


@hookimpl
def cleanclaim_rules() -> list[Rule]:
    # Imported inside the hook so that importing the plugin stays cheap.
    from cleanclaim_occupational_therapy.rules import RULES

    return list(RULES)


@hookimpl
def cleanclaim_procedures() -> list[Procedure]:
    return load_contributions(PACKAGE, "data/procedures.toml", "procedure", Procedure)


@hookimpl
def cleanclaim_pairings() -> list[Pairing]:
    return load_contributions(PACKAGE, "data/pairings.toml", "pairing", Pairing)


@hookimpl
def cleanclaim_documentation_checks() -> list[DocumentationCheck]:
    return load_contributions(PACKAGE, "data/documentation.toml", "check", DocumentationCheck)


@hookimpl
def cleanclaim_payer_overrides() -> list[PayerOverride]:
    return load_contributions(PACKAGE, "data/payer_overrides.toml", "override", PayerOverride)
