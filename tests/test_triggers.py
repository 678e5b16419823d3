"""Rules with triggers run only on claims that bill (or diagnose) what they are about."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, Procedure, Rule
from cleanclaim.engine import Engine
from cleanclaim.plugin import PLUGIN_API, hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo

CALLS: list[str] = []


def _spy(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    CALLS.append(ctx.rule_id)
    assert isinstance(options["words"], tuple)  # options arrive frozen
    yield Hit("ran", "")


def _rule(rule_id: str, **extra: Any) -> Rule:
    return Rule(
        id=rule_id,
        name=rule_id.lower(),
        summary="s",
        why="w",
        example="e",
        fix="f",
        reference="r",
        check=_spy,
        default_severity="info",
        options={"words": ["a", "b"]},
        **extra,
    )


class TriggerPlugin:
    @hookimpl
    def cleanclaim_plugin_info(self) -> PluginInfo:
        return PluginInfo(name="trigger-fixture", api=PLUGIN_API, rule_prefix="TRG")

    @hookimpl
    def cleanclaim_procedures(self) -> list[Procedure]:
        return [Procedure(code="98940", label="spinal manipulation", tags=frozenset({"cmt"}))]

    @hookimpl
    def cleanclaim_rules(self) -> list[Rule]:
        return [
            _rule("TRG101", triggers=frozenset({"cmt"})),
            _rule("TRG102", triggers=frozenset({"97140"})),
            _rule("TRG103", diagnosis_triggers=("M62.83-",)),
            _rule("TRG104"),
        ]


ENGINE = Engine.build(plugins=[TriggerPlugin()], installed=False)


def _ran(procedures: list[str], diagnoses: list[str]) -> list[str]:
    CALLS.clear()
    report = ENGINE.check(
        {
            "date_of_service": "2026-05-12",
            "diagnoses": diagnoses,
            "lines": [{"procedure": p, "diagnosis_pointers": [1]} for p in procedures],
        }
    )
    assert sorted(f.rule for f in report.findings if f.source == "trigger-fixture") == CALLS
    return CALLS[:]


@pytest.mark.parametrize(
    ("procedures", "diagnoses", "expected"),
    [
        ([], ["J06.9"], ["TRG104"]),
        (["98940"], ["J06.9"], ["TRG101", "TRG104"]),  # tagged cmt
        (["97140"], ["J06.9"], ["TRG102", "TRG104"]),  # named by code
        ([], ["M62.830"], ["TRG103", "TRG104"]),  # diagnosis covered by M62.83-
        (["98940", "97140"], ["J06.9", "M62.838"], ["TRG101", "TRG102", "TRG103", "TRG104"]),
    ],
)
def test_rules_run_only_when_triggered(
    procedures: list[str], diagnoses: list[str], expected: list[str]
) -> None:
    assert sorted(_ran(procedures, diagnoses)) == expected


def test_diagnosis_trigger_answer_is_remembered_per_code() -> None:
    _ran([], ["M62.830"])
    assert ENGINE.tables.memo[("diagnosis-trigger", "TRG103", "M62.830")] is True
    _ran([], ["J06.9"])
    assert ENGINE.tables.memo[("diagnosis-trigger", "TRG103", "J06.9")] is False
