"""The claim model's caps: four diagnosis pointers a line, twelve diagnoses a claim.

As on the CMS-1500 (items 24E and 21 A-L) and in the X12 837P (SV107, HI): a claim with
more cannot be submitted, so it is bad input, named by field, not something to judge.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cleanclaim.models import MAX_DIAGNOSES, MAX_POINTERS, Claim, describe_validation

DX = ["M99.01", "M99.02", "M99.03", "M99.04", "M99.05", "M54.50"]


def _claim(diagnoses: list[str], pointers: list[int]) -> dict[str, object]:
    line = {"procedure": "98942", "diagnosis_pointers": pointers}
    return {"date_of_service": "2026-03-02", "diagnoses": diagnoses, "lines": [line]}


def test_the_caps_are_the_forms() -> None:
    assert (MAX_POINTERS, MAX_DIAGNOSES) == (4, 12)


def test_four_pointers_and_twelve_diagnoses_are_accepted() -> None:
    twelve = [*DX, "M54.2", "M54.6", "M62.830", "M62.838", "M62.81", "M79.18"]
    claim = Claim.model_validate(_claim(twelve, [1, 2, 3, 12]))
    assert len(claim.diagnoses) == 12 and claim.lines[0].diagnosis_pointers == (1, 2, 3, 12)


def test_a_fifth_pointer_is_an_error_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(_claim(DX, [1, 2, 3, 4, 5]))
    text = describe_validation(caught.value)
    assert text.startswith("lines[0].diagnosis_pointers:")
    assert "5 diagnosis pointers" in text and "at most at 4" in text and "24E" in text


def test_a_thirteenth_diagnosis_is_an_error_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(_claim([*DX, *DX, "M54.2"], [1]))
    text = describe_validation(caught.value)
    assert text.startswith("diagnoses:")
    assert "13 diagnoses" in text and "at most 12" in text


def test_a_pointer_past_twelve_is_refused() -> None:
    with pytest.raises(ValidationError, match="diagnosis_pointers"):
        Claim.model_validate(_claim(DX, [13]))
