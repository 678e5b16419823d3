"""Hooks are matched by the hookspec they implement, not by the function's name.

pluggy lets a plugin name its functions as it likes and say which hook each implements
with ``@hookimpl(specname=...)``; such a plugin is valid and must load whole, not be
reported "not implemented" and dropped.  The list of contribution hooks is read from
the hookspecs, so a hook added there is known everywhere at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim import fixtures
from cleanclaim.contributions import Procedure
from cleanclaim.engine import Engine
from cleanclaim.plugin import PLUGIN_API, hookimpl, hookspecs
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.rule import Hit, Rule


def _check(ctx: Any, options: Mapping[str, Any]) -> Iterator[Hit]:
    if "97999" in ctx.procedure_codes:
        yield Hit("unlisted procedure billed", "lines[0]", ("97999",))


RULE = fixtures.stub_rule("SPN101", check=_check, default_severity="warning")


class SpecnamePlugin:
    """A plugin whose functions are named after what they do, not after the hooks."""

    @hookimpl(specname="cleanclaim_plugin_info")
    def who_we_are(self) -> PluginInfo:
        return PluginInfo(name="specname-test", api=PLUGIN_API, rule_prefix="SPN")

    @hookimpl(specname="cleanclaim_rules")
    def our_rules(self) -> list[Rule]:
        return [RULE]

    @hookimpl(specname="cleanclaim_procedures")
    def codes_we_know(self) -> list[Procedure]:
        return [Procedure(code="97999", label="unlisted therapy procedure")]


def test_a_plugin_naming_its_hooks_by_specname_loads_whole() -> None:
    engine = Engine.build(plugins=[SpecnamePlugin()], installed=False)
    assert not [p for p in engine.problems if p.plugin == "specname-test"]
    record = next(p for p in engine.plugins if p.name == "specname-test")
    assert record.rules == ("SPN101",)
    assert set(record.hooks) == {
        "cleanclaim_plugin_info",
        "cleanclaim_rules",
        "cleanclaim_procedures",
    }
    report = engine.check(
        {
            "date_of_service": "2026-05-12",
            "diagnoses": ["M62.830"],
            "lines": [{"procedure": "97999", "diagnosis_pointers": [1]}],
        }
    )
    assert [f.rule for f in report.findings if f.rule == "SPN101"] == ["SPN101"]


def test_without_the_plugin_the_rule_is_quiet() -> None:
    engine = Engine.build(plugins=[], installed=False)
    assert "SPN101" not in engine.rules


def test_the_contribution_hooks_are_the_hookspecs() -> None:
    declared = [name for name in vars(hookspecs) if name.startswith("cleanclaim_")]
    assert list(hookspecs.HOOKS) == declared
    assert set(hookspecs.CONTRIBUTION_HOOKS) == set(declared) - {
        "cleanclaim_plugin_info",
        "cleanclaim_rules",
    }
    assert hookspecs.CONTRIBUTION_HOOKS["cleanclaim_procedures"] is Procedure
    assert tuple(n.removeprefix("cleanclaim_") for n in declared[1:]) == fixtures.HOOKS


def test_plugin_info_has_no_docs_url_but_an_api1_plugin_giving_one_loads() -> None:
    info = PluginInfo.model_validate(
        {"name": "old-style", "api": 1, "rule_prefix": "OLD", "docs_url": "README.md"}
    )
    assert info.name == "old-style" and "docs_url" not in PluginInfo.model_fields
    assert "docs_url" not in info.model_dump()
