"""CLM206: a procedure code of no CPT/HCPCS shape is an error; CLM205 stays the info for
well-formed codes no plugin knows (one rule, one problem: never both on one line)."""

from __future__ import annotations

import pytest
from kernel_support import claim, engine_with, fixture_plugin, line

from cleanclaim.contributions import Procedure
from cleanclaim.engine import Engine
from cleanclaim.rules.clm206 import is_well_formed


@pytest.fixture(scope="module")
def engine() -> Engine:
    plugin = fixture_plugin(
        "fixture", procedures=[Procedure(code="97110", label="therapeutic exercise")]
    )
    return engine_with(plugin)


def test_letter_o_for_zero_is_an_error_with_the_repair(engine: Engine) -> None:
    report = engine.check(claim("M62.830", lines=[line("9711O", 1)]))
    [finding] = report.findings
    assert (finding.rule, finding.severity) == ("CLM206", "error")
    assert finding.location == "lines[0].procedure"
    assert finding.suggestions == ["97110"]
    assert report.status != "clean"


def test_the_claim_is_still_reported_not_rejected(engine: Engine) -> None:
    report = engine.check(claim("M62.830", lines=[line("97110", 1), line("ABCDE", 1)]))
    assert [(f.rule, f.location) for f in report.findings] == [("CLM206", "lines[1].procedure")]


@pytest.mark.parametrize(
    "code", ["97110", "99499", "1036F", "0232T", "0001U", "0001A", "0002M", "G0283", "J3490"]
)
def test_well_formed_codes_are_not_clm206(engine: Engine, code: str) -> None:
    assert is_well_formed(code)
    rules = {f.rule for f in engine.check(claim("M62.830", lines=[line(code, 1)])).findings}
    assert "CLM206" not in rules


def test_a_well_formed_unknown_code_stays_clm205_info(engine: Engine) -> None:
    [finding] = engine.check(claim("M62.830", lines=[line("99499", 1)])).findings
    assert (finding.rule, finding.severity) == ("CLM205", "info")


@pytest.mark.parametrize("code", ["9711O", "97I10", "AB123", "1234X", "G028O", "0000Z"])
def test_shapes_outside_cpt_and_hcpcs(code: str) -> None:
    assert not is_well_formed(code)


def test_hcpcs_keeps_its_leading_letter_in_repairs(engine: Engine) -> None:
    [finding] = engine.check(claim("M62.830", lines=[line("G028O", 1)])).findings
    assert finding.rule == "CLM206" and finding.suggestions == ["G0280"]
