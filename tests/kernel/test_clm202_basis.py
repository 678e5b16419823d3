"""CLM202 and a pairing's basis: only a published policy makes a miss an error.

Issue #13: a diagnosis list that no LCD, NCD, billing article or payer policy stands
behind (the plugin's own view of what ordinarily justifies a service) must never deny a
line; a miss against it is an ``info`` that says no policy pairs these.
"""

from __future__ import annotations

import pytest
from kernel_support import claim, engine_with, fixture_plugin, line, only

from cleanclaim.contributions import Pairing, Procedure
from cleanclaim.engine import Engine

PROCEDURES = [
    Procedure(code="97110", label="therapeutic exercise"),
    Procedure(code="97112", label="neuromuscular re-education"),
]
PAIRINGS = [
    Pairing(procedures=("97110",), diagnoses=("M62.83-",), citation="Fixture LCD L1"),
    Pairing(
        procedures=("97112",),
        diagnoses=("M62.830",),
        basis="advice",
        citation="no LCD pairs diagnoses with this code (fixture)",
    ),
    # 97110 also has an advisory list: the policy pairing alone still decides the error.
    Pairing(procedures=("97110",), diagnoses=("M54.5-",), basis="advice", citation="fx advice"),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    built = engine_with(fixture_plugin("fixture", procedures=PROCEDURES, pairings=PAIRINGS))
    assert built.problems == []
    return built


def test_a_miss_against_a_policy_pairing_is_an_error_citing_only_the_policy(
    engine: Engine,
) -> None:
    [finding] = only(engine.check(claim("J06.9", lines=[line("97110", 1)])), "CLM202")
    assert finding.severity == "error"
    assert finding.reference == "Fixture LCD L1"


def test_an_advisory_list_supports_a_line_too(engine: Engine) -> None:
    assert only(engine.check(claim("M54.50", lines=[line("97110", 1)])), "CLM202") == []


def test_a_miss_against_an_advisory_list_is_only_an_info_that_says_so(engine: Engine) -> None:
    [finding] = only(engine.check(claim("J06.9", lines=[line("97112", 1)])), "CLM202")
    assert finding.severity == "info"
    assert "no coverage policy" in finding.message.lower()
    assert "check your mac's lcd" in finding.message.lower()


def test_an_advisory_list_is_quiet_when_it_supports_the_line(engine: Engine) -> None:
    assert only(engine.check(claim("M62.830", lines=[line("97112", 1)])), "CLM202") == []


def test_basis_is_validated() -> None:
    with pytest.raises(ValueError, match="basis"):
        Pairing(procedures=("97110",), diagnoses=("M62.830",), basis="maybe", citation="x")  # type: ignore[arg-type]
