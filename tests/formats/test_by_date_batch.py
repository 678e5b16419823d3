"""A claim whose lines fall on several dates is checked as one claim per date in every
format: ``check --batch`` gives each part exactly one line, in date order, with the date in
``input.ids`` and its findings pointing at the part's own lines in the file, whatever
``--workers`` is; the same procedure-to-procedure pair on one date still fires CLM203.
(97140 is written without a modifier, so PT101 gives each part a finding at its line.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.cli import main

sys.path.insert(0, str(Path(__file__).parent))

from x12_writer import interchange, transaction

CPT = "http://www.ama-assn.org/go/cpt"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")


def _x12(days: tuple[str, str]) -> str:
    claim = {
        "id": "CH-1",
        "dx": [("ABK", "M9903"), ("ABF", "M5450")],
        "lines": [
            {"code": "98940", "modifiers": ["AT"], "charge": "40", "quantity": 1,
             "pointers": [1, 2], "date": f"D8:{days[0].replace('-', '')}"},
            {"code": "97140", "modifiers": [], "charge": "30", "quantity": 1,
             "pointers": [1, 2], "date": f"D8:{days[1].replace('-', '')}"},
        ],
    }  # fmt: skip
    sub = {"filing": "MB", "birth": "19500101", "sex": "M", "claims": [claim]}
    return interchange("000000009", [("9", [transaction("0001", [sub])])])


def _fhir(days: tuple[str, str]) -> str:
    def item(seq: int, code: str, modifier: str, day: str) -> dict[str, Any]:
        return {
            "sequence": seq,
            "diagnosisSequence": [1, 2],
            "productOrService": {"coding": [{"system": CPT, "code": code}]},
            "modifier": [{"coding": [{"system": CPT, "code": modifier}]}] if modifier else [],
            "servicedDate": day,
        }

    claim = {
        "resourceType": "Claim",
        "id": "CH-1",
        "contained": [
            {
                "resourceType": "Coverage",
                "id": "c",
                "type": {"coding": [{"system": "https://nahdo.org/sopt", "code": "1"}]},
            }
        ],
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"reference": "#c"}}],
        "diagnosis": [
            {"sequence": n, "diagnosisCodeableConcept": {"coding": [{"system": ICD, "code": c}]}}
            for n, c in ((1, "M99.03"), (2, "M54.50"))
        ],
        "item": [item(1, "98940", "AT", days[0]), item(2, "97140", "", days[1])],
    }
    return json.dumps({"resourceType": "Bundle", "type": "collection",
                       "entry": [{"resource": claim}]})  # fmt: skip


def _csv(days: tuple[str, str]) -> str:
    return (
        "claim_id,date_of_service,payer,dx1,dx2,procedure,modifiers,units,pointers\n"
        f"CH-1,{days[0]},medicare,M99.03,M54.50,98940,AT,1,1 2\n"
        f"CH-1,{days[1]},medicare,M99.03,M54.50,97140,,1,1 2\n"
    )


WRITERS = {"x12": (_x12, ".x12"), "fhir": (_fhir, ".json"), "csv-lines": (_csv, ".csv")}


def _batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, days: tuple[str, str], *extra: str
) -> list[dict[str, Any]]:
    write, suffix = WRITERS[fmt]
    path = tmp_path / f"claims{suffix}"
    path.write_text(write(days), encoding="utf-8")
    status = main(["check", "--batch", str(path), *extra])
    out, err = capsys.readouterr()
    assert status in (0, 1), err
    assert "Traceback" not in err
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_each_date_is_one_result_without_the_other_dates_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, workers: str
) -> None:
    results = _batch(tmp_path, capsys, fmt, ("2026-11-04", "2026-11-02"), "--workers", workers)
    assert [r["claim_id"] for r in results] == ["CH-1", "CH-1"]
    assert [r["input"]["ids"]["date_of_service"] for r in results] == [
        "2026-11-02", "2026-11-04",
    ]  # fmt: skip
    for result in results:
        assert "CLM203" not in [f["rule"] for f in result["findings"]]
        assert not [f for f in result["findings"] if f["location"].startswith("lines[1]")]
    # the 2026-11-02 part's only line (97140) is the file's second line
    where = {
        result["input"]["ids"]["date_of_service"]: [
            f["input_location"] for f in result["findings"] if f["location"].startswith("lines[0]")
        ]
        for result in results
    }
    assert where["2026-11-02"], results[0]["findings"]
    segments = [seg for seg in _x12(("2026-11-04", "2026-11-02")).split("~") if seg.strip()]
    sv1 = [n for n, seg in enumerate(segments, start=1) if seg.strip().startswith("SV1*")]
    second = {"x12": f"segment {sv1[1]}", "fhir": "Claim.item[1]", "csv-lines": "row 3"}[fmt]
    assert all(second in at for at in where["2026-11-02"])
    assert not any(second in at for at in where["2026-11-04"])


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_the_same_pair_on_one_date_still_fires(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    (result,) = _batch(tmp_path, capsys, fmt, ("2026-11-02", "2026-11-02"))
    assert "date_of_service" not in result["input"].get("ids", {})
    clm203 = [f for f in result["findings"] if f["rule"] == "CLM203"]
    assert clm203 and clm203[0]["input_location"]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_a_claim_across_october_1_gets_both_years(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    results = _batch(tmp_path, capsys, fmt, ("2026-10-01", "2026-09-30"), "--workers", "2")
    assert [r["dataset"]["fiscal_year"] for r in results] == [2026, 2027]
