"""`formats.placed`: a validation error of a claim a reader made names the place in the
file (the X12 element and segment, the CSV row and column, the FHIR path) instead of the
claim's JSON field, and a JSON claim's messages stay as they are."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from cleanclaim.engine import Engine, InputError
from cleanclaim.formats import placed, read

sys.path.insert(0, str(Path(__file__).parent))

from x12_writer import interchange, transaction


def _errors(data: bytes, fmt: str) -> tuple[list[str], list[str]]:
    (record,) = list(read(io.BytesIO(data), fmt))
    assert record.claim is not None, record.errors
    with pytest.raises(InputError) as caught:
        Engine.build().check(record.claim)
    errors = str(caught.value).split("; ")
    return errors, placed(record.origin.locations, errors)


def test_x12_csv_and_fhir_errors_name_the_file_position() -> None:
    claim = {"id": "X-1", "dx": [("ABK", "M5450")],
             "lines": [{"code": "97110", "quantity": 1, "date": "D8:20260401"},
                       {"code": "9711", "quantity": 1, "date": "D8:20260401"}]}  # fmt: skip
    sub = {"filing": "MB", "birth": "19600101", "sex": "F", "claims": [claim]}
    x12 = interchange("000000001", [("1", [transaction("0001", [sub])])]).encode()
    raw, shown = _errors(x12, "x12")
    assert raw[0].startswith("lines[1].procedure: ")
    assert shown[0].startswith("2400 SV1-01-2, segment ") and "lines[1]" not in shown[0]
    assert shown[0].partition(": ")[2] == raw[0].partition(": ")[2]

    csv = b"claim_id,date_of_service,dx1,procedure\nC,2026-04-01,M54.50,97110\nC,,,9711\n"
    raw, shown = _errors(csv, "csv-lines")
    assert raw[0].startswith("lines[1].procedure: ")
    assert shown[0].startswith("row 3, column procedure: ")

    fhir = (
        b'{"resourceType": "Claim", "id": "F", "diagnosis": [{"sequence": 1, '
        b'"diagnosisCodeableConcept": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",'
        b' "code": "M54.50"}]}}], "item": [{"sequence": 1, "servicedDate": "2026-04-01", '
        b'"productOrService": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", '
        b'"code": "9711"}]}}]}'
    )
    raw, shown = _errors(fhir, "fhir")
    assert raw[0].startswith("lines[0].procedure: ")
    assert shown[0].startswith("Claim.item[0].productOrService: ")


def test_without_locations_or_a_mapped_location_the_message_is_kept() -> None:
    errors = ["lines[0].procedure: not a code", "a claim must be a JSON object"]
    assert placed({}, errors) == errors  # a JSON claim: unchanged
    assert placed({"diagnoses[0]": "row 2, column dx1"}, errors) == errors


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_command_line_names_the_file_position_of_a_refused_claim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: str
) -> None:
    from cleanclaim.cli import main

    path = tmp_path / "claims.csv"
    path.write_text(
        "claim_id,date_of_service,dx1,procedure\nC,2026-04-01,M54.50,97110\nC,,,9711\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path} line 2: row 3, column procedure: " in err and "lines[1]" not in err
    assert main(["check", "--batch", str(path), "--workers", workers]) == 1
    (result,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert result["status"] == "invalid"
    assert result["errors"][0].startswith("row 3, column procedure: ")
