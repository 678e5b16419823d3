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
