"""Tests of the occupational-therapy example plugin.

The case files in ``cases/`` use the conformance format (a claim and what must come out)
and run through :mod:`cleanclaim.testing`: against a hermetic engine, and once through the
real ``cleanclaim`` command to prove the installed entry point is found.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from cleanclaim.engine import Engine
from cleanclaim.testing import case_files, load_case, run_case_cli, run_case_engine

from cleanclaim_occupational_therapy.rules import RULES

CASES = case_files(Path(__file__).parent / "cases")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case(engine: Engine, path: Path) -> None:
    assert run_case_engine(engine, load_case(path)) == []


def test_cases_cover_each_rule() -> None:
    rules = {m.get("rule") for p in CASES for m in load_case(p)["expect"].get("findings", [])}
    assert {"OT101", "OT102", "CLM202"} <= rules


def test_contributions_load(engine: Engine) -> None:
    assert engine.problems == []
    assert {"OT101", "OT102"} <= set(engine.rules)
    assert engine.tables.has_tag("97166", "ot-evaluation")
    assert "97166" in engine.tables.pairings


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_example_claim_fires(engine: Engine, rule) -> None:  # type: ignore[no-untyped-def]
    """Each rule's catalog example really produces that rule's finding."""
    assert rule.example_claim is not None
    report = engine.check(dict(rule.example_claim))
    assert [f.rule for f in report.findings] == [rule.id]


def test_go_on_an_evaluation_is_quiet_even_with_other_modifiers(engine: Engine) -> None:
    claim = load_case(Path(__file__).parent / "cases" / "ot01-medicare-no-go.json")["claim"]
    claim["lines"][0]["modifiers"] = ["GO", "59"]
    assert not [f for f in engine.check(claim).findings if f.rule == "OT101"]


def test_before_2018_medicare_did_not_edit(engine: Engine) -> None:
    # No ICD-10-CM dataset is packaged for 2017, so ask which rules run rather than check.
    def active(day: date) -> set[str]:
        return {a.rule.id for a in engine.active_rules("medicare", day)}

    assert "OT101" not in active(date(2017, 12, 31))
    assert "OT101" in active(date(2018, 1, 1))
    assert "OT101" not in {a.rule.id for a in engine.active_rules("commercial", date(2026, 5, 12))}


def test_through_the_command_line() -> None:
    """Installed (pip install -e .), the plugin is found through its entry point by the CLI."""
    case = load_case(Path(__file__).parent / "cases" / "ot01-medicare-no-go.json")
    assert run_case_cli(case) == []
