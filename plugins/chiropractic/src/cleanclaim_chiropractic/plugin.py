"""Hook implementations of the chiropractic plugin (the ``cleanclaim`` entry point).

Each hook runs once, when an engine is built.  Data files and the rule module are read
inside the hooks, so importing the plugin costs nothing until an engine asks for it.
"""

from __future__ import annotations

from cleanclaim.contributions import PayerOverride, Procedure, ProcedureEdit, Rule
from cleanclaim.plugin import hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.rulekit import load_contributions
from cleanclaim_chiropractic import PLUGIN_NAME

PACKAGE = "cleanclaim_chiropractic"


@hookimpl
def cleanclaim_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=PLUGIN_NAME,
        api=2,  # the plugin API this plugin is written for
        rule_prefix="DC",
        summary=(
            "Chiropractic manipulation (CMT 98940-98943): Medicare subluxation, region count, "
            "AT/GA/GZ/GY modifiers, and manual therapy on a CMT day."
        ),
    )


@hookimpl
def cleanclaim_rules() -> list[Rule]:
    from cleanclaim_chiropractic.rules import build_rules

    return build_rules()


@hookimpl
def cleanclaim_procedures() -> list[Procedure]:
    return load_contributions(PACKAGE, "data/procedures.toml", "procedure", Procedure)


@hookimpl
def cleanclaim_procedure_edits() -> list[ProcedureEdit]:
    return load_contributions(PACKAGE, "data/edits.toml", "edit", ProcedureEdit)


@hookimpl
def cleanclaim_payer_overrides() -> list[PayerOverride]:
    return load_contributions(PACKAGE, "data/payer_overrides.toml", "override", PayerOverride)
