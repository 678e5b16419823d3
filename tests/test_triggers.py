"""Rules with triggers run only on claims that bill (or diagnose) what they are about."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import pytest

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, Procedure, Rule
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule

CALLS: list[str] = []


def _spy(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    CALLS.append(ctx.rule_id)
    assert isinstance(options["words"], tuple)  # options arrive frozen
    yield Hit("ran", "")


def _rule(rule_id: str, **extra: Any) -> Rule:
    return stub_rule(
        rule_id, check=_spy, default_severity="info", **{"options": {"words": ["a", "b"]}, **extra}
    )


def trigger_plugin() -> object:
    return plugin_of(
        "trigger-fixture",
        "TRG",
        procedures=[Procedure(code="98940", label="spinal manipulation", tags=frozenset({"cmt"}))],
        rules=[
            _rule("TRG101", triggers=frozenset({"cmt"})),
            _rule("TRG102", triggers=frozenset({"97140"})),
            _rule("TRG103", diagnosis_triggers=("M62.83-",)),
            _rule("TRG104"),
        ],
    )


ENGINE = Engine.build(plugins=[trigger_plugin()], installed=False)


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


def option_trigger_plugin() -> object:
    return plugin_of(
        "option-trigger-fixture",
        "OPT",
        procedures=[Procedure(code="20552", label="trigger point", tags=frozenset({"minor"}))],
        rules=[_rule("OPT101", trigger_options=("words",), options={"words": ["minor"]})],
    )


def test_triggers_named_by_an_option_follow_the_configured_value() -> None:
    from cleanclaim.config import Config

    def ran(engine: Engine, procedure: str) -> bool:
        CALLS.clear()
        engine.check(
            {
                "date_of_service": "2026-05-12",
                "diagnoses": ["J06.9"],
                "lines": [{"procedure": procedure, "diagnosis_pointers": [1]}],
            }
        )
        return "OPT101" in CALLS

    default = Engine.build(plugins=[option_trigger_plugin()], installed=False)
    assert ran(default, "20552") and not ran(default, "99213")
    moved = Engine.build(
        plugins=[option_trigger_plugin()],
        installed=False,
        config=Config(rules={"OPT101": {"words": ["99213"]}}),
    )
    assert ran(moved, "99213") and not ran(moved, "20552")


def test_the_engine_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    memo = ENGINE.tables.memo
    monkeypatch.setattr(memo, "limit", 3)
    dict.clear(memo)  # read-only to rules; the test empties it as the kernel does
    for code in ("M62.830", "M62.831", "M62.838", "J06.9", "R52"):
        _ran([], [code])
        assert len(memo) <= 3
    assert ("diagnosis-trigger", "TRG103", "R52") in memo


def test_rule_plans_are_remembered_per_procedure_set_and_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine.build(plugins=[trigger_plugin()], installed=False)
    day = date(2026, 5, 12)
    plan = engine.plan_for("commercial", day, frozenset({"98940"}))
    ids = {a.rule.id for a in plan.per_claim}
    assert "TRG101" in ids and "TRG102" not in ids
    assert engine.plan_for("commercial", day, frozenset({"98940"})) is plan
    other = engine.plan_for("commercial", day, frozenset({"97140"}))
    assert other.token == plan.token  # same diagnoses-only rules: their hits are shared
    assert {a.rule.id for a in plan.by_diagnoses} == {
        "ICD101",
        "ICD102",
        "ICD103",
        "ICD104",
        "ICD105",
        "ICD106",
        "ICD107",
    }
    monkeypatch.setattr(engine.selection._plans, "limit", 2)
    for codes in ({"97140"}, {"99213"}, {"97110"}, {"98940", "97140"}):
        engine.plan_for("commercial", day, frozenset(codes))
        assert len(engine.selection._plans) <= 2


def test_claim_rules_run_only_when_a_billed_code_has_an_entry_in_their_table() -> None:
    """CLM202, CLM203 and CLM204 compare lines with pairings, edits and unit limits: a
    claim billing no code those tables name skips them, whoever contributed the entry."""
    from cleanclaim.contributions import Pairing, ProcedureEdit, UnitLimit

    source = {"source": "test table"}
    plugin = plugin_of(
        "table-fixture",
        "TBL",
        pairings=[Pairing(procedures=("97110",), diagnoses=("M62.83-",), **source)],
        procedure_edits=[
            ProcedureEdit(column1="97530", column2="97140", modifier_indicator=1, **source)
        ],
        unit_limits=[UnitLimit(code="20552", max_units=1, **source)],
    )
    engine = Engine.build(plugins=[plugin], installed=False)
    day = date(2026, 5, 12)

    def planned(*codes: str) -> set[str]:
        plan = engine.plan_for("commercial", day, frozenset(codes))
        return {a.rule.id for a in plan.per_claim} & {"CLM202", "CLM203", "CLM204"}

    assert planned("99213") == set()
    assert planned("97110") == {"CLM202"}
    assert planned("97530", "97140") == {"CLM203"}
    assert planned("20552") == {"CLM204"}
    assert engine.tables.procedure_codes_in("edits") == {"97530", "97140"}
    with pytest.raises(ValueError, match="no procedure table"):
        engine.tables.procedure_codes_in("modifiers")
