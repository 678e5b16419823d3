"""ICD104 honours the qualifiers of Excludes1 notes; ICD107 reads conditional code-first
notes and the builder's manifestation list (guidelines I.A.12.a, I.A.13, IV.D)."""

from __future__ import annotations

import pytest
from kernel_support import claim, engine_with, only

from cleanclaim.engine import Engine


@pytest.fixture(scope="module")
def engine() -> Engine:
    return engine_with()


# -- ICD104 and qualified Excludes1 notes -----------------------------------------------


def test_laceration_with_closed_fracture_is_no_conflict(engine: Engine) -> None:
    # S61 Excludes1 "open fracture of wrist, hand and finger (S62.- with 7th character B)".
    assert only(engine.check(claim("S61.411A", "S62.300A", "W23.0XXA")), "ICD104") == []


def test_laceration_with_open_fracture_is_a_conflict(engine: Engine) -> None:
    [finding] = only(engine.check(claim("S61.411A", "S62.300B")), "ICD104")
    assert finding.severity == "error"
    assert finding.codes == ["S61.411A", "S62.300B"]
    assert "7th character B" in finding.message


def test_diabetic_polyneuropathy_qualifier(engine: Engine) -> None:
    # G63 Excludes1 "diabetes mellitus (E08-E13 with .42)": only E11.42, not all diabetes.
    [finding] = only(engine.check(claim("E11.42", "G63")), "ICD104")
    assert finding.severity == "error"
    assert only(engine.check(claim("E11.9", "E85.4", "G63")), "ICD104") == []


def test_sequela_of_stroke_final_characters(engine: Engine) -> None:
    # R27.0 Excludes1 "ataxia following cerebrovascular disease (I69. with final characters -93)".
    assert len(only(engine.check(claim("I69.393", "R27.0")), "ICD104")) == 1
    assert only(engine.check(claim("I69.351", "R27.0")), "ICD104") == []


def test_unread_qualifier_is_a_warning_that_says_so(engine: Engine) -> None:
    # FY2021 G63 Excludes1 "infectious mononucleosis (B27.0-B27.9 with 1)": which character
    # the "1" is, the note does not say.
    [finding] = only(engine.check(claim("G63", "B27.01", day="2021-03-10")), "ICD104")
    assert finding.severity == "warning"
    assert "qualifier could not be read" in finding.message


# -- ICD107: manifestations and code-first notes ----------------------------------------


@pytest.mark.parametrize(
    ("first", "etiology"),
    [
        ("M36.0", "C34.90"),  # category M36 "... in diseases classified elsewhere"
        ("F02.80", "G30.9"),  # "Dementia in other diseases classified elsewhere"
        ("G63", "E85.4"),  # code first amyloidosis (E85.-)
    ],
)
def test_manifestation_first_is_an_error(engine: Engine, first: str, etiology: str) -> None:
    [finding] = only(engine.check(claim(first, etiology)), "ICD107")
    assert finding.severity == "error"
    assert "manifestation" in finding.message
    assert only(engine.check(claim(etiology, first)), "ICD107") == []


def test_e85_4_and_g63_are_no_excludes1_pair(engine: Engine) -> None:
    """The rule's catalog example must show one problem only."""
    assert only(engine.check(claim("G63", "E85.4")), "ICD104") == []


@pytest.mark.parametrize("code", ["R39.15", "N18.30", "R35.0"])
def test_conditional_code_first_alone_lets_a_code_be_first(engine: Engine, code: str) -> None:
    # R39.1 "code first, if applicable, any causal condition"; N18 "code first any associated".
    assert only(engine.check(claim(code)), "ICD107") == []


def test_code_first_condition_listed_after_is_a_warning(engine: Engine) -> None:
    [finding] = only(engine.check(claim("N18.30", "E11.22")), "ICD107")
    assert finding.severity == "warning"
    assert finding.suggestions == ["E11.22"]
    assert only(engine.check(claim("E11.22", "N18.30")), "ICD107") == []


def test_code_first_warning_can_be_turned_off() -> None:
    from cleanclaim.config import Config

    config = Config.model_validate({"rules": {"ICD107": {"code_first_warning": False}}})
    built = engine_with(config=config)
    assert only(built.check(claim("N18.30", "E11.22")), "ICD107") == []
