"""Look-alike letters never become real codes: only ASCII case is normalised.

``"ſ".upper()`` is ``"S"`` and ``"ı".upper()`` is ``"I"`` (and ``"ﬀ".upper()`` is
``"FF"``), so upper-casing a whole code turned ``ſ39.012A`` into S39.012A.  Promise
(docs/promises.md): a code with any character outside ASCII is an input error, never a
guess -- diagnoses, procedures and modifiers alike, through every normaliser.
"""

from __future__ import annotations

import pytest
from hardening_support import CLEAN

from cleanclaim.engine import Engine, InputError
from cleanclaim.icd._types import normalize_code
from cleanclaim.models import normalize_diagnosis, normalize_procedure

LOOK_ALIKES = ["\u017f39.012A", "\u013110", "M62.83\u2170", "m54.5\u0131", "\ufb00"]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.build(installed=False)


@pytest.mark.parametrize("code", LOOK_ALIKES)
def test_a_look_alike_diagnosis_is_an_input_error(engine: Engine, code: str) -> None:
    with pytest.raises(InputError, match="diagnoses"):
        engine.check({**CLEAN, "diagnoses": [code]})


@pytest.mark.parametrize("code", ["9711\u0131", "\u017f0283", "97110\u212a"])
def test_a_look_alike_procedure_or_modifier_is_an_input_error(engine: Engine, code: str) -> None:
    line = {"procedure": "97110", "units": 1, "diagnosis_pointers": [1]}
    with pytest.raises(InputError, match="lines"):
        engine.check({**CLEAN, "lines": [{**line, "procedure": code}]})
    with pytest.raises(InputError, match="lines"):
        engine.check({**CLEAN, "lines": [{**line, "modifiers": ["G\u0131"]}]})


@pytest.mark.parametrize("normalise", [normalize_code, normalize_diagnosis, normalize_procedure])
def test_normalisers_change_only_ascii_case(normalise: object) -> None:
    assert normalise("\u017f39012a") == normalise("\u017f39012A")  # type: ignore[operator]
    assert "S" not in normalise("\u017f39012a")  # type: ignore[operator]
    assert "I" not in normalise("\u0131109")  # type: ignore[operator]


def test_ascii_case_and_spacing_still_normalise(engine: Engine) -> None:
    report = engine.check({**CLEAN, "diagnoses": [" m62 830 "]})
    assert report.status == "clean"
