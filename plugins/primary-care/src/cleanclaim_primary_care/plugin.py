"""Hook implementations of the primary-care plugin: data in, nothing computed here."""

from __future__ import annotations

from cleanclaim.contributions import IntegralPair, Pairing, PayerOverride, Procedure, Rule
from cleanclaim.plugin import hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.rulekit import load_contributions
from cleanclaim_primary_care import DATA_PACKAGE, PLUGIN_NAME


@hookimpl
def cleanclaim_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=PLUGIN_NAME,
        api=2,  # the plugin API this plugin is written for
        rule_prefix="PC",
        summary=(
            "Primary care: E/M with same-day procedures (modifier 25), trigger point "
            "injections, G2211, back-pain coding choices and uncertain diagnoses."
        ),
    )


@hookimpl
def cleanclaim_rules() -> list[Rule]:
    from cleanclaim_primary_care.rules import RULES  # imported here: keeps start-up fast

    return list(RULES)


@hookimpl
def cleanclaim_procedures() -> list[Procedure]:
    return load_contributions(DATA_PACKAGE, "data/procedures.toml", "procedure", Procedure)


@hookimpl
def cleanclaim_pairings() -> list[Pairing]:
    return load_contributions(DATA_PACKAGE, "data/pairings.toml", "pairing", Pairing)


@hookimpl
def cleanclaim_integral_pairs() -> list[IntegralPair]:
    return load_contributions(DATA_PACKAGE, "data/integral_pairs.toml", "pair", IntegralPair)


@hookimpl
def cleanclaim_payer_overrides() -> list[PayerOverride]:
    return load_contributions(DATA_PACKAGE, "data/payer_overrides.toml", "override", PayerOverride)
