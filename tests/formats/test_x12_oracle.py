"""x12sdk (the maintained pydantic-2 successor of linuxforhealth-x12) as the oracle of our
837P reader: every sample the library can model is parsed by both, and the claims,
diagnoses, lines, dates, payers and patients must agree.

The library is a test dependency (tox's test env, the ``cleanclaim[x12]`` extra), never
skipped: a missing library fails this module.  The broken-envelope sample is not
modelled by the library (it rejects the interchange), which is what our reader reports
too; it is read by ``test_x12.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from x12sdk.io import X12ModelReader

from cleanclaim.formats import read
from cleanclaim.formats.x12 import MEDICARE_FILING_CODES, TAXONOMY_SPECIALTIES

SAMPLES = Path(__file__).parent / "samples"
ORACLE_SAMPLES = ["837p-multi.x12", "837p-icd9.x12"]


def _day(text: str | date) -> str:
    raw = text.isoformat().replace("-", "") if isinstance(text, date) else text
    first = raw.split("-")[0]
    return f"{first[:4]}-{first[4:6]}-{first[6:]}"


def _age(born: date, on: str) -> int:
    day = date.fromisoformat(on)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _library_claims(path: Path) -> list[dict[str, Any]]:
    """Each claim as the library models it, in file order, in our reader's terms."""
    out: list[dict[str, Any]] = []
    with X12ModelReader(str(path)) as reader:
        for model in reader.models():
            st02 = model.header.st_segment.transaction_set_control_number
            for billing in model.loop_2000a:
                for subscriber in billing.loop_2000b:
                    filing = subscriber.sbr_segment.claim_filing_indicator_code
                    party = subscriber.loop_2010ba.dmg_segment
                    payer_id = subscriber.loop_2010bb.nm1_segment.identification_code
                    loops = [(party, c) for c in subscriber.loop_2300 or []]
                    for patient in subscriber.loop_2000c or []:
                        dmg = patient.loop_2010ca.dmg_segment
                        loops += [(dmg, c) for c in patient.loop_2300 or []]
                    for dmg, claim in loops:
                        out.extend(_claim(st02, filing, payer_id, dmg, claim))
    return out


def _claim(st02: str, filing: Any, payer_id: str, dmg: Any, claim: Any) -> list[dict[str, Any]]:
    """The claim as one claim per date of service of its lines, in date order."""
    codes: list[tuple[str, str]] = []
    for hi in claim.hi_segment or []:
        for index in range(1, 13):
            value = getattr(hi, f"health_care_code_{index}", None)
            if value:
                codes.append((value[0], value[1]))
    lines = []
    days = []
    for line in claim.loop_2400:
        composite = line.sv1_segment.product_service_id_qualifier.split(":")
        served = [d for d in line.dtp_segment if str(d.date_time_qualifier) == "472"]
        days.append(_day(served[0].date_time_period))
        basis = str(line.sv1_segment.unit_basis_measurement_code)
        count = int(line.sv1_segment.service_unit_count)
        pointers = line.sv1_segment.composite_diagnosis_code_pointer.split(":")
        lines.append(
            {
                "procedure": composite[1],
                "modifiers": composite[2:],
                "units" if basis == "UN" else "minutes": count,
                "pointers": [int(p) for p in pointers if p],
                "charge": line.sv1_segment.line_item_charge_amount,
            }
        )
    location = claim.clm_segment.health_care_service_location_information.split(":")
    taxonomy = claim.loop_2310b.prv_segment.reference_identification if claim.loop_2310b else None
    return [
        {
            "transaction": st02,
            "claim_id": claim.clm_segment.patient_control_number,
            "place_of_service": location[0],
            "frequency": location[2],
            "codes": codes,
            "lines": [line for line, on in zip(lines, days, strict=True) if on == day],
            "date_of_service": day,
            "payer": "medicare" if str(filing) in MEDICARE_FILING_CODES else "commercial",
            "payer_id": payer_id,
            "age": _age(dmg.date_time_period, day),
            "sex": str(dmg.gender_code),
            "specialty": TAXONOMY_SPECIALTIES.get(taxonomy) if taxonomy else None,
        }
        for day in sorted(set(days))
    ]


def _ours(path: Path) -> list[tuple[dict[str, Any] | None, tuple[str, ...], dict[str, str]]]:
    return [(r.claim, r.errors, dict(r.origin.ids)) for r in read(path)]


@pytest.mark.parametrize("name", ORACLE_SAMPLES)
def test_our_reader_agrees_with_x12sdk(name: str) -> None:
    library = _library_claims(SAMPLES / name)
    ours = _ours(SAMPLES / name)
    assert len(ours) == len(library) > 0
    for theirs, (claim, errors, ids) in zip(library, ours, strict=True):
        assert ids["transaction"] == theirs["transaction"]
        assert ids["frequency"] == theirs["frequency"]
        assert ids["payer_id"] == theirs["payer_id"]
        if any(q in ("BK", "BF") for q, _ in theirs["codes"]):
            assert claim is None and all("ICD-9-CM" in e for e in errors)
            continue
        assert claim is not None, errors
        assert claim["claim_id"] == theirs["claim_id"]
        assert claim["place_of_service"] == theirs["place_of_service"]
        assert [("ABK" if i == 0 else "ABF", c) for i, c in enumerate(claim["diagnoses"])] == (
            theirs["codes"]
        )
        assert claim["date_of_service"] == theirs["date_of_service"]
        assert claim["payer"] == theirs["payer"]
        assert claim["patient"] == {"age": theirs["age"], "sex": theirs["sex"]}
        assert claim.get("specialty") == theirs["specialty"]
        assert len(claim["lines"]) == len(theirs["lines"])
        for line, expected in zip(claim["lines"], theirs["lines"], strict=True):
            assert line["procedure"] == expected["procedure"]
            assert line.get("modifiers", []) == expected["modifiers"]
            assert line.get("units") == expected.get("units")
            assert line.get("minutes") == expected.get("minutes")
            assert line["diagnosis_pointers"] == expected["pointers"]
            assert line["charge"] == expected["charge"]


def test_the_library_counts_the_broken_transaction_as_we_do() -> None:
    with (
        pytest.raises(ValidationError, match="SE segment count 55 != actual count 56"),
        X12ModelReader(str(SAMPLES / "837p-broken.x12")) as reader,
    ):
        list(reader.models())
    problems = [errors[0] for claim, errors, _ in _ours(SAMPLES / "837p-broken.x12") if not claim]
    assert "SE01 counts 55 segments; the transaction has 56 (ST to SE)" in problems[0]
