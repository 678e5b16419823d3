"""PC101: an E/M with a same-day minor procedure needs modifier 25."""

from __future__ import annotations

import json
from pathlib import Path

from pc_support import Check, of

from cleanclaim.engine import Engine

# the repository's copy of ../shared/conformance (tests/test_conformance.py keeps it in step)
P06 = (
    Path(__file__).resolve().parents[3]
    / "tests"
    / "conformance"
    / "plugins"
    / "p06-pc-modifier-25.json"
)


def test_fires_on_em_with_trigger_point_without_25(check: Check) -> None:
    report = check("99213", "20552")
    [finding] = of(report, "PC101")
    assert finding.severity == "error"
    assert finding.source == "primary-care"
    assert finding.location == "lines[0].modifiers"
    assert finding.codes == ["99213", "20552"]
    assert finding.suggestions == ["25"]
    assert "separately identifiable" in finding.message
    assert report.status == "error"


def test_fires_for_medicare_and_for_unknown_payers(check: Check) -> None:
    for payer in ("medicare", "some-blue-plan", None):
        assert of(check("99214", "20553", payer=payer), "PC101"), payer


def test_conformance_case_p06(engine: Engine) -> None:
    case = json.loads(P06.read_text(encoding="utf-8"))
    report = engine.check(case["claim"])
    [finding] = of(report, "PC101")
    assert "99213" in finding.codes and "25" in finding.suggestions
    assert report.status == "error"


def test_quiet_with_modifier_25_on_the_em(check: Check) -> None:
    assert not of(check("99213-25", "20552"), "PC101")


def test_quiet_without_a_procedure(check: Check) -> None:
    assert not of(check("99213"), "PC101")
    assert not of(check("20552"), "PC101")


def test_quiet_for_preventive_services(check: Check) -> None:
    assert not of(check("99213", "G0439", payer="medicare"), "PC101")


def test_modifier_25_on_the_procedure_is_explained(check: Check) -> None:
    [finding] = of(check("99212", "20552-25"), "PC101")
    assert "belongs on the E/M" in finding.message


def test_each_em_line_is_reported(check: Check) -> None:
    report = check("99213", "99203", "20552")
    assert [f.location for f in of(report, "PC101")] == ["lines[0].modifiers", "lines[1].modifiers"]
