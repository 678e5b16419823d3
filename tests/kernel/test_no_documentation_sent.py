"""A claim that sends no documentation at all is not told its note lacks anything.

An 837P, a FHIR Claim or a billing export never carries the note: five PT106 warnings
("the note records no objective finding") on every such claim would be statements about
a note nobody showed.  One info finding says what would be checked; a documentation object
sent without the elements still gets a warning per missing element.
"""

from __future__ import annotations

from typing import Any

import pytest

from cleanclaim.engine import Engine

CLAIM: dict[str, Any] = {
    "claim_id": "D-1",
    "date_of_service": "2026-11-02",
    "payer": "medicare",
    "specialty": "physical-therapy",
    "diagnoses": ["M62.830"],
    "lines": [
        {
            "procedure": "97110",
            "modifiers": ["GP"],
            "units": 2,
            "minutes": 30,
            "diagnosis_pointers": [1],
        }
    ],
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.build()


def test_no_documentation_is_one_piece_of_advice(engine: Engine) -> None:
    report = engine.check(CLAIM)
    pt106 = [f for f in report.findings if f.rule == "PT106"]
    assert [(f.severity, f.location) for f in pt106] == [("info", "documentation")]
    assert "carries no documentation" in pt106[0].message
    for element in ("site", "onset", "objective findings", "trauma", "treatment rationale"):
        assert element in pt106[0].message
    assert pt106[0].codes == ["M62.830"]
    assert report.status == "clean"


def test_an_empty_note_still_gets_a_warning_per_missing_element(engine: Engine) -> None:
    report = engine.check({**CLAIM, "documentation": {}})
    pt106 = [f for f in report.findings if f.rule == "PT106"]
    assert {f.severity for f in pt106} == {"warning"}
    assert sorted(f.location for f in pt106) == [
        "documentation.objective_findings",
        "documentation.onset",
        "documentation.site",
        "documentation.trauma",
        "documentation.treatment_rationale",
    ]
    assert report.status == "warning"


def test_a_complete_note_has_no_pt106(engine: Engine) -> None:
    note = {
        "site": "lumbar",
        "onset": "acute",
        "trauma": False,
        "objective_findings": ["palpable paraspinal guarding"],
        "treatment_rationale": "exercise to restore lumbar flexion",
    }
    report = engine.check({**CLAIM, "documentation": note})
    assert not [f for f in report.findings if f.rule == "PT106"]
