"""``cleanclaim.formats.read`` and ``detect``: the format told from the content, every
format through one call, cleanclaim's own JSON, JSONL and claim_json CSV as readers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cleanclaim import formats
from cleanclaim.formats import FormatError, detect, read, reader
from cleanclaim.formats.x12 import X12Reader

SAMPLES = Path(__file__).parent / "samples"
CLAIM = {"claim_id": "J-1", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}


@pytest.mark.parametrize(
    ("head", "name"),
    [
        (b"ISA*00*          *00*", "x12"),
        (b'{"resourceType": "Bundle", "type": "collection"}', "fhir"),
        (json.dumps(CLAIM).encode() + b"\n" + json.dumps(CLAIM).encode() + b"\n", "jsonl"),
        (json.dumps(CLAIM, indent=2).encode(), "json"),
        (json.dumps(CLAIM).encode() + b"\n", "json"),
        (b"account,claim_json\n7,{}\n", "csv"),
        (b"claim_id,date_of_service,dx1,procedure\nA,2026-05-12,M62.830,97110\n", "csv-lines"),
    ],
)
def test_detect_tells_each_format_from_its_first_bytes(head: bytes, name: str) -> None:
    assert detect(head) == name


def test_detect_refuses_what_no_reader_knows() -> None:
    with pytest.raises(FormatError, match=r"^x\.txt: the input format cannot be told"):
        detect(b"name,age\nA,3\n", "x.txt")
    with pytest.raises(FormatError, match="UTF-16"):
        detect("{}".encode("utf-16"), "u.json")


def test_reader_names_and_aliases() -> None:
    assert isinstance(reader("x12"), X12Reader)
    assert isinstance(reader("x12-837p"), X12Reader)
    with pytest.raises(FormatError, match="unknown input format 'edi'"):
        reader("edi")
    assert set(formats.FORMATS) == {"json", "jsonl", "csv", "csv-lines", "x12", "fhir"}


def test_read_takes_a_path_or_a_stream() -> None:
    by_path = [r.claim for r in read(SAMPLES / "837p-multi.x12")]
    with (SAMPLES / "837p-multi.x12").open("rb") as stream:
        by_stream = [r.claim for r in read(stream)]
    by_bytes = [r.claim for r in read(io.BytesIO((SAMPLES / "837p-multi.x12").read_bytes()))]
    assert by_path == by_stream == by_bytes
    assert len(by_path) == 7  # six CLMs; AN-5002 is one claim per date of its two dates
    first = next(read(str(SAMPLES / "837p-multi.x12")))
    assert first.origin.file == str(SAMPLES / "837p-multi.x12")


def test_jsonl_records_keep_their_line_numbers_and_errors() -> None:
    text = f"{json.dumps(CLAIM)}\n\n[1]\n{{bad\n{json.dumps(CLAIM)}\n".encode()
    records = list(read(io.BytesIO(text), format="jsonl"))
    assert [r.origin.line for r in records] == [1, 3, 4, 5]
    assert records[0].claim == CLAIM and records[3].claim == CLAIM
    assert records[1].errors == ("a claim must be a JSON object, not list",)
    assert (
        records[2].errors[0].startswith("not valid JSON: ") and "at column" in records[2].errors[0]
    )


def test_json_file_is_one_claim() -> None:
    (record,) = read(io.BytesIO(json.dumps(CLAIM, indent=2).encode()))
    assert record.claim == CLAIM and record.origin.format == "json"
    (twice,) = read(io.BytesIO(b'{"claim_id": "a", "claim_id": "b"}'), format="json")
    assert twice.errors == ("the key 'claim_id' appears twice in one JSON object",)


def test_claim_json_csv_keeps_the_other_columns_as_ids() -> None:
    cell = json.dumps(CLAIM).replace('"', '""')
    text = f'account,claim_json\nA-7,"{cell}"\n\nA-8,\n'.encode()
    records = list(read(io.BytesIO(text)))
    assert records[0].claim == CLAIM
    assert records[0].origin.line == 2 and dict(records[0].origin.ids) == {"account": "A-7"}
    assert records[1].origin.line == 4 and records[1].claim is None
    with pytest.raises(FormatError, match="no 'claim_json' column"):
        list(read(io.BytesIO(b"account,other\n1,2\n"), format="csv"))
