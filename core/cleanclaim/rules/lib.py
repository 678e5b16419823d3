"""The kernel's own plugin: its rules come in through the same hooks as any plugin's."""

from __future__ import annotations

from importlib import import_module

from cleanclaim.contributions import UnitLimit
from cleanclaim.plugin import PLUGIN_API, hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.rule import Rule

RULE_MODULES = (
    "icd101", "icd102", "icd103", "icd104", "icd105", "icd106", "icd107",
    "clm201", "clm202", "clm203", "clm204", "clm205", "clm206", "eng001", "eng002",
)  # fmt: skip


@hookimpl
def cleanclaim_plugin_info() -> PluginInfo:
    return PluginInfo(
        name="core",
        api=PLUGIN_API,
        rule_prefix="ICD",
        summary="Kernel rules: ICD-10-CM validity, structure and notes; claim structure and edits.",
    )


@hookimpl
def cleanclaim_rules() -> list[Rule]:
    # Imported inside the hook, as sqlfluff does, so that importing the kernel stays cheap.
    return [import_module(f"cleanclaim.rules.{name}").RULE for name in RULE_MODULES]


@hookimpl
def cleanclaim_unit_limits() -> list[UnitLimit]:
    # The practitioner MUE values bundled with the kernel (data/mue_practitioner.toml):
    # plugin-level data, so an official CMS MUE file still replaces them code by code.
    from cleanclaim.ncci import bundled_mue

    return list(bundled_mue().limits)
