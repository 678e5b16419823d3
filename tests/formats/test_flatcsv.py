"""The flat CSV reader (``csv-lines``): the sample's reports equal those of its cleanclaim
JSON twins, locations name row and column, a bad row or header is a clear error, and the
reader stays flat in memory."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanclaim.engine import Engine
from cleanclaim.formats import FormatError, located
from cleanclaim.formats.flatcsv import FlatCsvReader, _SeenIds, column_key, read

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.build()


def _read(name: str) -> list[Any]:
    with (SAMPLES / name).open("rb") as stream:
        return list(read(stream, name))


def _text(text: str) -> list[Any]:
    return list(read(io.BytesIO(text.encode("utf-8")), "t.csv"))


def test_reports_equal_the_cleanclaim_json_twins(engine: Engine) -> None:
    got = _read("csv-lines.csv")
    lines = (SAMPLES / "csv-lines.cleanclaim.jsonl").read_text(encoding="utf-8").splitlines()
    twins = [json.loads(line) for line in lines]
    assert len(got) == len(twins) == 4
    for read_claim, twin in zip(got, twins, strict=True):
        assert read_claim.errors == ()
        assert read_claim.claim is not None
        assert engine.check(read_claim.claim) == engine.check(twin)


def test_origin_and_locations(engine: Engine) -> None:
    got = _read("csv-lines.csv")
    assert [c.origin.line for c in got] == [2, 4, 6, 7]
    assert dict(got[0].origin.ids) == {"claim_id": "PT-1001"}
    pt = got[0]
    assert pt.claim is not None
    report = located(engine.check(pt.claim), pt.origin)
    assert report.input is not None
    assert report.input.model_dump(exclude_none=True) == {
        "format": "csv-lines",
        "file": "csv-lines.csv",
        "line": 2,
        "ids": {"claim_id": "PT-1001"},
    }
    by_rule = {f.rule: f for f in report.findings}
    # the header's own spelling, so the biller finds the column
    assert by_rule["PT101"].input_location == "row 3, column Modifiers"
    assert by_rule["PC104"].input_location == "row 2, column DX2"
    pc = got[1]  # PC101: the E/M on row 4 lacks modifier 25
    assert pc.claim is not None
    report = located(engine.check(pc.claim), pc.origin)
    assert ("PC101", "row 4, column Modifiers") in {
        (f.rule, f.input_location) for f in report.findings
    }
    assert pc.origin.locations["lines[1].procedure"] == "row 5, column Procedure"
    assert pc.origin.locations["date_of_service"] == "row 4, column Date of Service"


def test_bad_rows_are_errors_naming_row_and_column() -> None:
    got = _read("csv-bad-rows.csv")
    assert [(c.origin.line, c.claim is None) for c in got] == [
        (2, True),
        (3, True),
        (5, False),
        (6, True),
        (7, True),
    ]
    assert got[0].errors == (
        "row 2, column dx3: dx2 is empty; diagnoses fill dx1, dx2, ... in order (a line's "
        "pointers count them)",
    )
    # rows 3 and 4 give two dates: one claim per date, not an error (row 3's units is)
    assert got[1].errors == ("row 3, column units: not a whole number",)
    assert got[3].errors == (
        "row 6, column claim_id: this claim id appeared earlier in the file, with other "
        "claims between; the rows of a claim must be consecutive",
    )
    assert "row 7, column date_of_service: not a date (YYYY-MM-DD or MM/DD/YYYY)" in got[4].errors


def test_an_unknown_column_is_named() -> None:
    with pytest.raises(FormatError) as caught:
        _read("csv-unknown-column.csv")
    assert str(caught.value).startswith(
        "csv-unknown-column.csv: line 1, column 5: unknown column 'rendering_npi'; the columns are"
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("claim_id,date_of_service,dx1", "t.csv: line 1: the header has no procedure column"),
        (
            "claim_id,Claim ID,date_of_service,dx1,procedure",
            "t.csv: line 1: the column claim_id is given twice",
        ),
        ("claim_id,date_of_service,dx1,procedure,dx13", "t.csv: line 1, column 5: unknown"),
        (
            "claim_id,date_of_service,dx1,dx3,procedure",
            "t.csv: line 1: the header has dx columns after dx2 but no dx2",
        ),
    ],
)
def test_bad_headers(header: str, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        _text(header + "\n")
    assert str(caught.value).startswith(message)


def test_values_and_separators() -> None:
    (got,) = _text(
        "claim_id,date_of_service,dx1,dx2,procedure,modifiers,pointers,patient_sex,charge\n"
        'A,05/12/2026,M62.830,M54.50,97110,"GP, KX",AB,female,"$1,200.50"\n'
        "A,,,,97140,GP|59,2 1,,\n"
    )
    assert got.errors == ()
    assert got.claim == {
        "claim_id": "A",
        "date_of_service": "2026-05-12",
        "patient": {"sex": "F"},
        "diagnoses": ["M62.830", "M54.50"],
        "lines": [
            {
                "procedure": "97110",
                "modifiers": ["GP", "KX"],
                "diagnosis_pointers": [1, 2],
                "charge": "1200.50",
            },
            {"procedure": "97140", "modifiers": ["GP", "59"], "diagnosis_pointers": [2, 1]},
        ],
    }


def test_a_bad_row_spoils_only_its_claim() -> None:
    raw = (
        b"claim_id,date_of_service,dx1,procedure\n"
        b"A,2026-05-12,M62.830,97110\n"
        b"B,2026-05-12,M62.830,97\xff110\n"
        b"C,2026-05-12,M62.830,97110\n"
    )
    got = list(read(io.BytesIO(raw), "t.csv"))
    assert [c.origin.ids["claim_id"] for c in got] == ["A", "B", "C"]
    assert got[1].errors == ("row 3: not UTF-8 text (byte 23 of the line)",)
    assert got[0].claim is not None and got[2].claim is not None


def test_blank_rows_are_skipped_and_an_empty_file_has_no_claims() -> None:
    assert _text("") == []
    got = _text("claim_id,date_of_service,dx1,procedure\n\n,,,\nA,2026-05-12,M62.830,97110\n")
    assert [c.origin.line for c in got] == [4]


def test_detect() -> None:
    reader = FlatCsvReader()
    assert reader.name == "csv-lines"
    assert reader.detect((SAMPLES / "csv-lines.csv").read_bytes()[:4096])
    assert reader.detect(b"\xef\xbb\xbfCLAIM_ID;x\r\n"[:0] + b"claim_id,dos,dx1\n") is False
    assert reader.detect(b"\xef\xbb\xbfClaim-ID,Date_of_Service,DX 1,PROCEDURE\r\nA,b,c,d\r\n")
    # the claim_json CSV of check --batch is never taken for this format
    assert not reader.detect(b"claim_id,date_of_service,dx1,procedure,claim_json\n")
    assert not reader.detect(b"claim_json\n")
    assert not reader.detect(b'{"resourceType": "Claim"}')


def test_column_key() -> None:
    assert column_key(" Date of Service ") == "date_of_service"
    assert column_key("DX_01") == "dx1"
    assert column_key("patient-age") == "patient_age"


def test_seen_ids_remember_every_id_across_merges() -> None:
    seen = _SeenIds()
    keys = [seen.digest(f"C{n}") for n in range(3 * _SeenIds.FRESH + 17)]
    for key in keys:
        assert key not in seen
        seen.add(key)
    assert all(key in seen for key in keys)
    assert seen.digest("never added") not in seen
    assert len(seen.levels) >= 2


def _rows(count: int) -> Iterator[bytes]:
    yield b"claim_id,date_of_service,dx1,procedure,units\n"
    for n in range(count):
        yield f"C{n // 2},2026-05-12,M62.830,9711{n % 2},1\n".encode()


class _Stream(io.RawIOBase):
    """A file made row by row, never held whole."""

    def __init__(self, rows: Iterator[bytes]) -> None:
        self.rows = rows
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            self.pending = next(self.rows, b"")
            if not self.pending:
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def test_memory_is_flat_in_the_number_of_rows() -> None:
    """20,000 rows (10,000 claims, some 20 MB as claim dicts): the reader holds one claim
    and 8 bytes per id."""
    tracemalloc.start()
    try:
        count = 0
        for got in read(io.BufferedReader(_Stream(_rows(20_000))), "big.csv"):
            assert got.claim is not None
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 10_000
    assert peak < 1024 * 1024, peak


_cell = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_cell, min_size=0, max_size=9), max_size=6))
def test_bad_content_never_raises(rows: list[list[str]]) -> None:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "claim_id",
            "date_of_service",
            "dx1",
            "dx2",
            "procedure",
            "units",
            "pointers",
            "patient_age",
        ]
    )
    writer.writerows(rows)
    for got in read(io.BytesIO(buffer.getvalue().encode("utf-8", "surrogatepass")), "f.csv"):
        assert got.claim is not None or got.errors


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_other_delimiters_read_the_same_claims(delimiter: str) -> None:
    import csv

    with (SAMPLES / "csv-lines.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(table)
    raw = buffer.getvalue().encode("utf-8")
    assert FlatCsvReader().detect(raw[:4096])
    got = [c.claim for c in read(io.BytesIO(raw), "t.csv")]
    assert got == [c.claim for c in _read("csv-lines.csv")]


_PT_HEAD = (
    "claim_id,date_of_service,payer,patient_age,dx1,procedure,modifiers,units,minutes,pointers\n"
)


def _pt(first: str, second: str) -> str:
    """97140 and 97110, ten timed minutes and one unit each, on the dates given."""
    return (
        _PT_HEAD
        + f"T-1,{first},medicare,60,M54.50,97140,GP,1,10,1\n"
        + f"T-1,{second},medicare,60,M54.50,97110,GP,1,10,1\n"
    )


def test_rows_on_different_dates_are_one_claim_per_date(engine: Engine) -> None:
    (same,) = _text(_pt("2026-11-02", "2026-11-02"))
    assert same.claim is not None
    report = located(engine.check(same.claim), same.origin)
    # one day: 20 timed minutes support one unit under the 8-minute rule, two are billed
    assert [f.input_location for f in report.findings if f.rule == "PT103"] == [
        "row 2, column units"
    ]
    parts = _text(_pt("2026-11-09", "2026-11-02"))
    assert [p.claim["date_of_service"] for p in parts if p.claim] == ["2026-11-02", "2026-11-09"]
    assert [p.origin.ids for p in parts] == [
        {"claim_id": "T-1", "date_of_service": "2026-11-02"},
        {"claim_id": "T-1", "date_of_service": "2026-11-09"},
    ]
    first, second = parts
    assert first.origin.locations["lines[0].units"] == "row 3, column units"
    assert first.origin.locations["date_of_service"] == "row 3, column date_of_service"
    assert first.origin.locations["lines"] == "row 3"
    assert second.origin.locations["lines[0]"] == "row 2"
    assert first.origin.line == second.origin.line == 2  # the claim's first row
    for part in parts:  # each day's ten minutes support its one unit
        assert part.claim is not None and part.claim["diagnoses"] == ["M54.50"]
        assert not [f for f in engine.check(part.claim).findings if f.rule == "PT103"]


def test_a_ptp_pair_on_different_rows_dates_is_no_clm203(engine: Engine) -> None:
    head = "claim_id,date_of_service,dx1,dx2,procedure,modifiers,units,pointers\n"

    def claim(second: str) -> list[Any]:
        return _text(
            head
            + "C-1,2026-11-02,M99.03,M54.50,98940,AT,1,1 2\n"
            + f"C-1,{second},M99.03,M54.50,97140,GP,1,1 2\n"
        )

    (same,) = claim("2026-11-02")
    assert same.claim is not None
    assert [f.rule for f in engine.check(same.claim).findings].count("CLM203") == 1
    parts = claim("2026-11-05")
    assert len(parts) == 2
    for part in parts:
        assert part.claim is not None
        assert "CLM203" not in [f.rule for f in engine.check(part.claim).findings]


def test_rows_across_october_1_and_a_blank_date_among_several(engine: Engine) -> None:
    parts = _text(_pt("2026-09-30", "2026-10-01"))
    years = [engine.check(p.claim).dataset.fiscal_year for p in parts if p.claim]
    assert years == [2026, 2027]
    # one date given on the first row only: every row is that date's (as before)
    (one,) = _text(_pt("2026-11-02", ""))
    assert one.claim is not None and len(one.claim["lines"]) == 2
    # several dates and a row without one: which date it is cannot be told
    (bad,) = _text(_pt("2026-11-02", "") + "T-1,2026-11-03,medicare,60,M54.50,97110,GP,1,10,1\n")
    assert bad.claim is None
    assert bad.errors == (
        "row 3, column date_of_service: empty, and the claim's other rows have several "
        "dates: give each row its date of service",
    )
