"""PC102: only one trigger point injection code, one unit, per date of service."""

from __future__ import annotations

from pc_support import Check, of


def test_both_codes_on_one_claim_is_an_error(check: Check) -> None:
    [finding] = of(check("20552", "20553"), "PC102")
    assert finding.severity == "error"
    assert finding.codes == ["20552", "20553"]
    assert finding.suggestions == ["20553", "20552"]
    assert finding.location == "lines[1]"
    assert "one trigger point injection code per day" in finding.message


def test_both_codes_for_medicare(check: Check) -> None:
    assert of(check("20553", "20552", payer="medicare"), "PC102")


def test_two_units_is_an_error(check: Check) -> None:
    [finding] = of(check({"procedure": "20552", "units": 2}), "PC102")
    assert finding.location == "lines[0].units"
    assert finding.suggestions == ["20552"]


def test_the_same_code_on_two_lines_is_an_error(check: Check) -> None:
    [finding] = of(check("20553", "20553"), "PC102")
    assert finding.location == "lines[1]"


def test_one_code_one_unit_is_quiet(check: Check) -> None:
    assert not of(check("20552"), "PC102")
    assert not of(check("99213-25", "20553"), "PC102")
