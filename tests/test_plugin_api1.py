"""Plugins written for plugin API 1 keep loading, translated, and say they are deprecated.

The same small plugin is written twice: in API 1's forms (an options mapping with
``option_choices``/``option_docs``, ``triggers`` and ``diagnosis_triggers`` as rule
fields, ``rulekit.documentation_checks`` reading ``ctx.rule_id``, ``ctx.tables``) and in
API 2's (a RuleOptions model, ``scope=Scope(...)``, ``documentation_rule``, the context's
queries).  Both give the same findings on the same claims.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

import pytest
from pydantic import Field

from cleanclaim.config import Config, ConfigError
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import DocumentationCheck, Procedure
from cleanclaim.engine import Engine
from cleanclaim.options import RuleOptions
from cleanclaim.plugin import hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim.rulekit import documentation_checks, documentation_rule

CATALOG: dict[str, Any] = {
    "summary": "test rule",
    "why": "test rule",
    "example": "test rule",
    "fix": "test rule",
    "reference": "test rule",
}
PROCEDURES = [
    Procedure(code="97110", label="exercise", tags=frozenset({"timed"})),
    Procedure(code="99213", label="office visit", tags=frozenset({"em"})),
]
DOCUMENTATION = [
    DocumentationCheck(
        rule="APX102",
        diagnoses=("M62.83-",),
        element="onset",
        message="Spasm without onset.",
        query="When did it start?",
        source="test source",
    )
]


def _modifier_hits(ctx: ClaimContext, mode: str, label: Any, modifier: str) -> Iterator[Hit]:
    for index in ctx.lines_tagged("timed"):
        if modifier not in ctx.line_modifiers[index]:
            code = ctx.lines[index].procedure
            yield Hit(
                f"{code} ({label(code)}) lacks {modifier} ({mode})",
                f"lines[{index}].modifiers",
                (code,),
                (modifier,),
                severity="warning" if mode == "loud" else None,
            )


# -- API 1 ---------------------------------------------------------------------------------


def _api1_check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    return _modifier_hits(ctx, options["mode"], ctx.tables.label, options["modifier"])


def _api1_diagnosis(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    if options["report"]:
        yield Hit("spasm coded", "diagnoses[0]", (ctx.diagnoses[0],))


API1_RULES = [
    Rule(
        id="APX101",
        name="api1-modifier",
        check=_api1_check,
        triggers=frozenset({"timed"}),
        options={"mode": "quiet", "modifier": "GP"},
        option_choices={"mode": ("quiet", "loud")},
        option_docs={"mode": "How loud.", "modifier": "The modifier."},
        **CATALOG,
    ),
    Rule(id="APX102", name="api1-documentation", check=documentation_checks, **CATALOG),
    Rule(
        id="APX103",
        name="api1-diagnosis",
        check=_api1_diagnosis,
        diagnosis_triggers=("M62.83-",),
        diagnoses_only=True,
        options={"report": True},
        **CATALOG,
    ),
]

# -- API 2 ---------------------------------------------------------------------------------


class ModifierOptions(RuleOptions):
    mode: Literal["quiet", "loud"] = Field("quiet", description="How loud.")
    modifier: str = Field("GP", description="The modifier.")


class DiagnosisOptions(RuleOptions):
    report: bool = Field(True, description="Report it.")


def _api2_check(ctx: ClaimContext, options: ModifierOptions) -> Iterator[Hit]:
    return _modifier_hits(ctx, options.mode, ctx.label, options.modifier)


def _api2_diagnosis(ctx: ClaimContext, options: DiagnosisOptions) -> Iterator[Hit]:
    if options.report:
        yield Hit("spasm coded", "diagnoses[0]", (ctx.diagnoses[0],))


API2_RULES = [
    Rule(
        id="APX101",
        name="api1-modifier",
        check=_api2_check,
        scope=Scope(procedures=frozenset({"timed"})),
        options=ModifierOptions,
        **CATALOG,
    ),
    documentation_rule(id="APX102", name="api1-documentation", **CATALOG),
    Rule(
        id="APX103",
        name="api1-diagnosis",
        check=_api2_diagnosis,
        scope=Scope(diagnoses=("M62.83-",), diagnoses_only=True),
        options=DiagnosisOptions,
        **CATALOG,
    ),
]


def _plugin(api: int, rules: list[Rule]) -> object:
    class Plugin:
        @staticmethod
        @hookimpl
        def cleanclaim_plugin_info() -> PluginInfo:
            return PluginInfo(name="api-fixture", api=api, rule_prefix="APX")

        @staticmethod
        @hookimpl
        def cleanclaim_rules() -> list[Rule]:
            return list(rules)

        @staticmethod
        @hookimpl
        def cleanclaim_procedures() -> list[Procedure]:
            return list(PROCEDURES)

        @staticmethod
        @hookimpl
        def cleanclaim_documentation_checks() -> list[DocumentationCheck]:
            return list(DOCUMENTATION)

    return Plugin()


CLAIMS: list[dict[str, Any]] = [
    {
        "date_of_service": "2026-05-12",
        "diagnoses": ["M62.830"],
        "lines": [{"procedure": "97110", "diagnosis_pointers": [1]}],
    },
    {
        "date_of_service": "2026-05-12",
        "diagnoses": ["M62.830"],
        "lines": [{"procedure": "97110", "modifiers": ["GP"], "diagnosis_pointers": [1]}],
        "documentation": {"onset": "acute"},
    },
    {
        "date_of_service": "2026-05-12",
        "diagnoses": ["J06.9"],
        "lines": [{"procedure": "99213", "diagnosis_pointers": [1]}],
    },
]


def _findings(engine: Engine) -> list[list[tuple[Any, ...]]]:
    return [
        [
            (
                f.rule,
                f.source,
                f.severity,
                f.message,
                f.location,
                f.codes,
                f.suggestions,
                f.reference,
            )
            for f in engine.check(claim).findings
        ]
        for claim in CLAIMS
    ]


@pytest.mark.parametrize(
    "config", [Config(), Config(rules={"APX101": {"mode": "loud"}, "APX103": {"report": False}})]
)
def test_an_api1_plugin_gives_the_same_findings_as_its_api2_twin(config: Config) -> None:
    old = Engine.build(plugins=[_plugin(1, API1_RULES)], installed=False, config=config)
    new = Engine.build(plugins=[_plugin(2, API2_RULES)], installed=False, config=config)
    assert not old.problems and not new.problems
    found = _findings(old)
    assert found == _findings(new)
    assert any(f[0] == "APX101" for f in found[0]) and any(f[0] == "APX102" for f in found[0])
    assert not any(f[0].startswith("APX") for f in found[2])


def test_an_api1_plugin_is_listed_as_deprecated() -> None:
    described = Engine.build(plugins=[_plugin(1, API1_RULES)], installed=False).describe()
    [record] = [p for p in described["plugins"] if p["name"] == "api-fixture"]
    assert record["api"] == 1
    notes = record["deprecations"]
    assert notes[0].startswith("written for plugin API 1 (deprecated; translated to API 2)")
    assert "APX101 uses API 1 forms: options mapping, triggers" in notes
    assert "APX103 uses API 1 forms: options mapping, diagnosis_triggers, diagnoses_only" in notes
    described = Engine.build(plugins=[_plugin(2, API2_RULES)], installed=False).describe()
    [record] = [p for p in described["plugins"] if p["name"] == "api-fixture"]
    assert (record["api"], record["deprecations"]) == (2, ())


def test_an_api1_option_choice_is_still_enforced() -> None:
    with pytest.raises(ConfigError, match=r"APX101\.mode: 'lowd' is not allowed; allowed: "):
        Engine.build(
            plugins=[_plugin(1, API1_RULES)],
            installed=False,
            config=Config(rules={"APX101": {"mode": "lowd"}}),
        )


def test_a_plugin_api_the_kernel_does_not_offer_is_refused() -> None:
    engine = Engine.build(plugins=[_plugin(3, API2_RULES)], installed=False)
    [problem] = [p for p in engine.problems if p.plugin == "api-fixture"]
    assert "written for plugin API 3, this kernel offers 1 and 2" in problem.error


def test_the_bundled_plugins_are_api2_and_use_no_api1_form() -> None:
    described = Engine.build().describe()
    for record in described["plugins"]:
        assert record["api"] == 2 and record["deprecations"] == (), record["name"]
