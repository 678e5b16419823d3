"""PC104 (pain with spasm), PC105 (trauma vs spasm) and the ICD106 pair we contribute."""

from __future__ import annotations

from typing import Any

from pc_support import Check, build, claim, of

from cleanclaim.config import Config

NO_TRAUMA = {"trauma": False, "mechanism": "bending to lift a box, no fall or impact"}


# -- PC104 -----------------------------------------------------------------------------------


def test_pain_listed_before_spasm_is_advice(check: Check) -> None:
    # Guideline IV.G leaves the order to the condition chiefly responsible: info (#13).
    [finding] = of(check("20552", diagnoses=("M54.50", "M62.830")), "PC104")
    assert finding.severity == "info"
    assert finding.location == "diagnoses[0]"
    assert finding.codes == ["M54.50", "M62.830"]
    assert finding.suggestions == ["M62.830"]
    assert "I.B.5" in finding.message and "IV.G" in finding.message


def test_every_low_back_pain_code_counts(check: Check) -> None:
    for code in ("M54.51", "M54.59"):
        assert of(check("99213", diagnoses=(code, "M62.830")), "PC104")


def test_never_an_error_even_for_medicare(check: Check) -> None:
    report = check("20552", diagnoses=("M54.50", "M62.830"), payer="medicare")
    assert [f.severity for f in of(report, "PC104")] == ["info"]


def test_spasm_first_is_info_by_default(check: Check) -> None:
    [finding] = of(check("99213", diagnoses=("M62.830", "M54.50")), "PC104")
    assert finding.severity == "info"
    assert finding.location == "diagnoses[1]"
    assert finding.suggestions == []


def test_spasm_first_can_be_raised_to_a_warning() -> None:
    engine = build(Config(rules={"PC104": {"when_condition_first": "warning"}}))
    [finding] = of(engine.check(claim("99213", diagnoses=("M62.830", "M54.50"))), "PC104")
    assert finding.severity == "warning"


def test_spasm_first_can_be_switched_off() -> None:
    engine = build(Config(rules={"PC104": {"when_condition_first": "off"}}))
    report = engine.check(claim("99213", diagnoses=("M62.830", "M54.50")))
    assert not of(report, "PC104")
    report = engine.check(claim("99213", diagnoses=("M54.50", "M62.830")))
    assert of(report, "PC104")


def test_quiet_with_only_one_of_the_two(check: Check) -> None:
    assert not of(check("99213", diagnoses=("M54.50",)), "PC104")
    assert not of(check("99213", diagnoses=("M62.830", "M79.7")), "PC104")


# -- PC105 -----------------------------------------------------------------------------------


def pc105(check: Check, diagnoses: tuple[str, ...], documentation: dict[str, Any]) -> list[Any]:
    return of(check("99213", diagnoses=diagnoses, documentation=documentation), "PC105")


def test_documented_trauma_with_spasm_code(check: Check) -> None:
    [finding] = pc105(check, ("M62.830",), {"trauma": True})
    assert finding.severity == "warning"
    assert finding.suggestions == ["S39.012A"]
    assert finding.location == "diagnoses[0]"
    assert "documentation.trauma is true" in finding.message


def test_trauma_words_in_the_mechanism(check: Check) -> None:
    for mechanism in (
        "fell on ice at work",
        "rear-end motor vehicle collision",
        "lifting injury at the warehouse",
        "slipped on wet floor",
    ):
        [finding] = pc105(check, ("M62.830",), {"mechanism": mechanism})
        assert finding.suggestions == ["S39.012A"], mechanism
        assert "documentation.mechanism" in finding.message


def test_negated_trauma_words_are_quiet(check: Check) -> None:
    for mechanism in (
        "bending to lift a box, no fall or impact",
        "denies fall or trauma",
        "gradual onset without injury or accident",
    ):
        assert not pc105(check, ("M62.830",), {"mechanism": mechanism}), mechanism


def test_explicit_no_trauma_wins_over_words(check: Check) -> None:
    assert not pc105(check, ("M62.830",), {"trauma": False, "mechanism": "fell last year"})


def test_no_trauma_with_strain_code(check: Check) -> None:
    [finding] = pc105(check, ("S39.012A",), NO_TRAUMA)
    assert finding.suggestions == ["M62.830"]
    assert "documentation.trauma is false" in finding.message


def test_quiet_when_code_matches_documentation(check: Check) -> None:
    assert not pc105(check, ("M62.830",), NO_TRAUMA)
    assert not pc105(check, ("S39.012A",), {"trauma": True, "mechanism": "fell"})
    assert not pc105(check, ("S39.012D",), {"mechanism": "fell"})
    assert not pc105(check, ("M62.830",), {})
    assert not of(check("99213", diagnoses=("M62.830",)), "PC105")


def test_trauma_words_are_an_option() -> None:
    engine = build(Config(rules={"PC105": {"trauma_words": ["kicked by a horse"]}}))
    doc = {"mechanism": "kicked by a horse"}
    assert of(engine.check(claim("99213", diagnoses=("M62.830",), documentation=doc)), "PC105")
    doc = {"mechanism": "fell on ice"}
    assert not of(engine.check(claim("99213", diagnoses=("M62.830",), documentation=doc)), "PC105")


# -- ICD106 pair: spasm integral to a lower back strain (DOMAIN test case 17) -----------------


def test_spasm_with_strain_is_a_possible_integral_symptom(check: Check) -> None:
    report = check(
        "99213",
        diagnoses=("S39.012A", "M62.830"),
        documentation={"trauma": True, "note": "spasm due to acute lumbar strain"},
    )
    [finding] = of(report, "ICD106")
    assert finding.severity == "warning"
    assert finding.codes == ["M62.830", "S39.012A"]
    assert not [f for f in report.findings if f.source == "primary-care" and f.severity == "error"]
    assert not of(report, "PC105")


def test_pc105_leaves_therapy_claims_to_physical_therapy(check: Check) -> None:
    report = check(
        "97110",
        diagnoses=("M62.830",),
        documentation={"trauma": True, "mechanism": "fell on ice"},
    )
    assert of(report, "PC105") == []


def test_pc105_applies_to_any_claim_when_the_scope_is_emptied() -> None:
    engine = build(Config(rules={"PC105": {"applies_to_tags": []}}))
    report = engine.check(claim("97110", diagnoses=("M62.830",), documentation={"trauma": True}))
    assert [f.suggestions for f in of(report, "PC105")] == [["S39.012A"]]
