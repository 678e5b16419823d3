"""``check --batch --output-format csv``: check's CSV rows (one per finding), with each
record's line and the input CSV's own id columns (issue #15)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cleanclaim.cli import batch as batch_module
from cleanclaim.cli import main
from cleanclaim.cli.check import CSV_COLUMNS, csv_rows
from cleanclaim.engine import Engine
from cleanclaim.synth import generate_lines

CLAIM = {"claim_id": "C-1", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}
HEADER = "M62.83"  # a category header: ICD102, an error with suggestions


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[list[str]], str]:
    status = main(["check", *args])
    captured = capsys.readouterr()
    return status, list(csv.reader(io.StringIO(captured.out))), captured.err


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.parametrize("workers", ["1", "2"])
def test_rows_equal_check_rows_of_each_claim_with_line_and_ids(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: str
) -> None:
    texts = list(generate_lines(80, 21))
    rows = [["batch_id", "claim_json", "account"]]
    rows += [[f"B{n % 3}", text, f"A-{n}"] for n, text in enumerate(texts)]
    source = _write_csv(tmp_path / "claims.csv", rows)
    status, got, err = _run(capsys, "--batch", str(source), "--format", "csv", "--workers", workers)
    assert got[0] == ["file", "line", "batch_id", "account", *CSV_COLUMNS[1:]]
    expected: list[list[str]] = []
    for n, text in enumerate(texts):
        position = [str(n + 2), f"B{n % 3}", f"A-{n}"]  # the header is line 1
        expected += csv_rows(str(source), engine.check(json.loads(text)), position)
    assert got[1:] == expected
    assert len(got) - 1 > len(texts)  # some claims have several findings: a row each
    assert status == 1 and err.startswith("80 claims: ")


def test_jsonl_input_has_file_and_line_before_check_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "claims.jsonl"
    source.write_text(
        json.dumps(CLAIM)
        + "\n\n"
        + json.dumps({**CLAIM, "claim_id": "C-3", "diagnoses": [HEADER]})
        + "\n[1]\n",
        encoding="utf-8",
    )
    status, got, _ = _run(capsys, "--batch", str(source), "--output-format", "csv")
    assert got[0] == ["file", "line", *CSV_COLUMNS[1:]]
    table = [dict(zip(got[0], row, strict=True)) for row in got[1:]]
    assert [(r["line"], r["claim_id"], r["status"], r["rule"]) for r in table] == [
        ("1", "C-1", "clean", ""),
        ("3", "C-3", "error", "ICD102"),
        ("4", "", "invalid", ""),
    ]
    assert table[1]["codes"] == HEADER and "M62.830" in table[1]["suggestions"].split()
    assert "JSON object" in table[2]["message"]
    assert status == 1


def test_invalid_rows_and_id_columns_named_like_ours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write_csv(
        tmp_path / "claims.csv",
        [
            ["claim_id", "claim_json", "status", "line", ""],
            ["X-1", json.dumps(CLAIM), "new", "7", "nameless"],
            ["X-2", '{"date_of_service": "2001-01-01", "diagnoses": ["M62.830"]}', "old"],
        ],
    )
    status, got, _ = _run(capsys, "--batch", str(source), "--output-format", "csv")
    ids = ["input.claim_id", "input.status", "input.line"]
    assert got[0] == ["file", "line", *ids, *CSV_COLUMNS[1:]]
    first, second = (dict(zip(got[0], row, strict=True)) for row in got[1:])
    assert (first["line"], first["input.claim_id"], first["claim_id"]) == ("2", "X-1", "C-1")
    assert (first["input.status"], first["status"], first["input.line"]) == ("new", "clean", "7")
    assert (second["line"], second["input.claim_id"], second["status"]) == ("3", "X-2", "invalid")
    assert second["input.line"] == ""  # a short row: no cell
    assert "date_of_service" in second["message"] and second["claim_id"] == ""
    assert status == 1


def test_a_claim_whose_worker_died_is_its_eng001_row(engine: Engine) -> None:
    out = batch_module.CsvOutput("b.jsonl")
    record = (5, json.dumps(CLAIM).encode(), batch_module.jsonl_input(5), None)
    text, status, rules, _ = batch_module._lost_claim(
        engine, record, "killed by SIGSEGV", "hx-faulty\tHXF101", out
    )
    (row,) = csv.reader(io.StringIO(text))
    table = dict(zip(out.columns(), row, strict=True))
    assert (table["line"], table["status"], table["rule"]) == ("5", "error", "ENG001")
    assert "HXF101" in table["message"] and (status, rules) == ("error", ("ENG001",))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_text_and_json_still_do_not_apply_to_batch(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "b.jsonl"
    source.write_text(json.dumps(CLAIM) + "\n", encoding="utf-8")
    status, got, err = _run(capsys, "--batch", str(source), "--format", fmt)
    assert (status, got) == (2, [])
    assert f"--output-format {fmt} does not apply to --batch" in err and "csv" in err


SAMPLES = Path(__file__).resolve().parents[1] / "formats" / "samples"


@pytest.mark.parametrize(
    ("sample", "position", "ids"),
    [
        ("837p-multi.x12", "segment", ["interchange", "group", "transaction", "date_of_service"]),
        ("fhir-bundle.json", "entry", ["claim", "date_of_service"]),
        ("csv-lines.csv", "line", ["input.claim_id", "date_of_service"]),
    ],
)
def test_other_formats_name_their_position_and_ids(
    sample: str,
    position: str,
    ids: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["check", "--batch", str(SAMPLES / sample)])
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    _status, got, _ = _run(capsys, "--batch", str(SAMPLES / sample), "--format", "csv")
    assert got[0] == ["file", position, *ids, *CSV_COLUMNS[1:]]
    first = dict(zip(got[0], got[1], strict=True))
    where = reports[0]["input"]
    assert first[position] == str(where.get(position, 1))
    assert [first[name] for name in ids] == [
        where["ids"].get(name.removeprefix("input."), "") for name in ids
    ]  # date_of_service: empty but for a claim checked per date


def test_the_parts_of_a_claim_on_several_dates_are_told_apart_by_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _status, got, _ = _run(capsys, "--batch", str(SAMPLES / "837p-multi.x12"), "--format", "csv")
    rows = [dict(zip(got[0], row, strict=True)) for row in got[1:]]
    an5002 = {row["date_of_service"] for row in rows if row["claim_id"] == "AN-5002"}
    assert an5002 == {"2026-03-09", "2026-03-10"}
    assert {row["date_of_service"] for row in rows if row["claim_id"] == "PT-2001"} == {""}


def test_each_row_carries_the_findings_place_in_the_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["check", "--batch", str(SAMPLES / "837p-multi.x12")])
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    _status, got, _ = _run(capsys, "--batch", str(SAMPLES / "837p-multi.x12"), "--format", "csv")
    rows = [dict(zip(got[0], row, strict=True)) for row in got[1:]]
    pt101 = next(r for r in rows if r["claim_id"] == "PT-2001" and r["rule"] == "PT101")
    assert pt101["input_location"] == "2400 SV1-01-3, segment 28"
    from_json = [f.get("input_location", "") for r in reports for f in r["findings"]]
    assert [r["input_location"] for r in rows if r["rule"]] == from_json
