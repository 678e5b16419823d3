"""The hooks a plugin implements: the whole public plugin API.

Every hook is called once, when an [`Engine`][cleanclaim.engine.Engine] is built, never
while a claim is checked.  Each returns a list of validated contributions (see
[`cleanclaim.contributions`][cleanclaim.contributions]); the engine merges the lists of all plugins,
so the order
in which plugins load never changes a result.  Implement only the hooks you need; a
misspelt hook name fails loudly when the plugin is registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cleanclaim.contributions import (
    DocumentationCheck,
    IntegralPair,
    Pairing,
    PayerOverride,
    Procedure,
    ProcedureEdit,
    Synonym,
    UnitLimit,
)
from cleanclaim.plugin import hookspec
from cleanclaim.rule import Rule


class PluginInfo(BaseModel):
    """Who the plugin is: its name becomes the ``source`` of every finding it produces."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    """A lower-case word (``physical-therapy``): the ``source`` of its findings, and the
    name ``plugins`` allowlists and selectors use."""
    api: int = Field(description="The PLUGIN_API the plugin was written for.")
    rule_prefix: str = Field(pattern=r"^[A-Z]{2,4}$", description="Prefix of its rule ids.")
    summary: str = ""
    """What it checks, in one line (``cleanclaim plugins`` shows it)."""

    @model_validator(mode="before")
    @classmethod
    def _api1_docs_url(cls, data: Any) -> Any:
        # API 1 had a ``docs_url`` that nothing ever read; a plugin still passing it loads.
        if isinstance(data, dict) and "docs_url" in data:
            return {k: v for k, v in data.items() if k != "docs_url"}
        return data


@hookspec(firstresult=True)
def cleanclaim_plugin_info() -> PluginInfo:  # type: ignore[empty-body]
    """Describe the plugin.  Every plugin must implement this hook.

    :returns: the plugin's name (a lower-case word such as ``physical-therapy``, used as
        the ``source`` of its findings and in ``plugins`` allowlists), the plugin API
        version it targets and the prefix of its rule ids.

    Stops at the first non-None result (each plugin is asked on its own).
    """


@hookspec
def cleanclaim_rules() -> list[Rule]:  # type: ignore[empty-body]
    """Contribute rules: catalog text plus a check function.

    :returns: rules whose ids start with the plugin's ``rule_prefix``.  A check function
        receives ``(ctx, options)`` and yields [`Hit`][cleanclaim.rule.Hit].
    """


@hookspec
def cleanclaim_procedures() -> list[Procedure]:  # type: ignore[empty-body]
    """Contribute the CPT/HCPCS codes the plugin knows, with plain labels of your own.

    :returns: procedures with ``tags`` (``timed``, ``evaluation``, ``add-on`` ...).
        A code no loaded plugin knows is reported by CLM205.
    """


@hookspec
def cleanclaim_pairings() -> list[Pairing]:  # type: ignore[empty-body]
    """Contribute procedure-to-diagnosis pairings (medical necessity), with sources.

    :returns: pairings; CLM202 requires every line whose procedure has a pairing in
        force to point at a diagnosis covered by one.
    """


@hookspec
def cleanclaim_procedure_edits() -> list[ProcedureEdit]:  # type: ignore[empty-body]
    """Contribute procedure-to-procedure edits in the NCCI PTP layout (a sourced subset).

    :returns: edits; official PTP files that a user supplies take precedence (CLM203).
    """


@hookspec
def cleanclaim_unit_limits() -> list[UnitLimit]:  # type: ignore[empty-body]
    """Contribute unit limits in the NCCI MUE layout (a sourced subset).

    :returns: limits; official MUE files that a user supplies take precedence (CLM204).
    """


@hookspec
def cleanclaim_documentation_checks() -> list[DocumentationCheck]:  # type: ignore[empty-body]
    """Contribute documentation elements required for certain diagnoses.

    :returns: checks, each reported under one of the plugin's own rules whose check
        function is
        [`cleanclaim.rulekit.documentation_checks()`][cleanclaim.rulekit.documentation_checks].
    """


@hookspec
def cleanclaim_integral_pairs() -> list[IntegralPair]:  # type: ignore[empty-body]
    """Contribute sign/symptom codes integral to a definitive diagnosis (ICD106).

    :returns: pairs, each with the guideline or source that makes it integral.
    """


@hookspec
def cleanclaim_payer_overrides() -> list[PayerOverride]:  # type: ignore[empty-body]
    """Contribute how payers treat rules: switched off, on, a severity, other options.

    :returns: overrides for ``medicare``, ``commercial`` or any payer id, each dated
        and sourced.  User override files are applied after all plugins' overrides.
    """


@hookspec
def cleanclaim_synonyms() -> list[Synonym]:  # type: ignore[empty-body]
    """Contribute search synonyms: the words coders type for what the tabular calls otherwise.

    :returns: synonyms used by ``cleanclaim search`` and `Dataset.search()`.
    """


def _hookspecs() -> dict[str, Any]:
    """This module's hookspecs, by hook name, in the order they are written above."""
    marker = f"{hookspec.project_name}_spec"
    return {name: fn for name, fn in list(globals().items()) if hasattr(fn, marker)}


def _contribution_models() -> dict[str, type[BaseModel]]:
    """Hook name -> the contribution model its list holds, read from the annotations."""
    models: dict[str, type[BaseModel]] = {}
    for name, fn in _hookspecs().items():
        returned = get_type_hints(fn)["return"]
        (item,) = get_args(returned) or (None,)
        if get_origin(returned) is list and isinstance(item, type) and issubclass(item, BaseModel):
            models[name] = item
    return models


#: every hook of the plugin API, as the hookspecs above declare them (nowhere else).
HOOKS: tuple[str, ...] = tuple(_hookspecs())
#: the hooks that return validated contribution models (all but the plugin's info and its
#: rules), with the model each returns: the build validates every item against it.
CONTRIBUTION_HOOKS: Mapping[str, type[BaseModel]] = MappingProxyType(_contribution_models())
