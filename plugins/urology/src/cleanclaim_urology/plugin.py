"""Hook implementations of the urology plugin: data in, nothing computed here."""

from __future__ import annotations

from cleanclaim.contributions import Pairing, PayerOverride, Procedure, Rule, Synonym
from cleanclaim.plugin import hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim_urology import policy

PLUGIN_NAME = "urology"


@hookimpl
def cleanclaim_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=PLUGIN_NAME,
        api=2,  # the plugin API this plugin is written for
        rule_prefix="URO",
        summary=(
            "Pelvic floor care: sphincter EMG, pelvic floor biofeedback, anorectal "
            "manometry and pelvic floor therapy, the diagnoses that support them, add-on "
            "codes, deleted codes and contractor frequency limits."
        ),
    )


@hookimpl
def cleanclaim_rules() -> list[Rule]:
    from cleanclaim_urology.rules import RULES  # imported here: keeps start-up fast

    return list(RULES)


@hookimpl
def cleanclaim_procedures() -> list[Procedure]:
    return list(policy.procedures())


@hookimpl
def cleanclaim_pairings() -> list[Pairing]:
    return list(policy.pairings())


@hookimpl
def cleanclaim_payer_overrides() -> list[PayerOverride]:
    return list(policy.payer_overrides())


@hookimpl
def cleanclaim_synonyms() -> list[Synonym]:
    return list(policy.synonyms())
