"""Batch results say where each claim was read: ``input`` with the line, and for CSV the
row's own id columns (issue #15; the shapes are the lead's contract, schema 1.2)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.cli import batch as batch_module
from cleanclaim.cli import main
from cleanclaim.config import Config
from cleanclaim.engine import Engine
from cleanclaim.models import InputRef, InvalidRecord
from cleanclaim.spark import check_rows
from cleanclaim.synth import generate_lines

CLAIM = {"claim_id": "C-1", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}


def _batch(source: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, Any]]:
    main(["check", "--batch", str(source), *extra])
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_splicing_the_input_member_equals_dumping_the_model(engine: Engine) -> None:
    """The hot path splices ``input`` into the dumped text; it must be what pydantic writes."""
    wheres = [
        InputRef(format="jsonl", line=1),
        InputRef(format="jsonl", line=123456),
        InputRef(format="csv", line=7),
        InputRef(format="csv", line=2, ids={"batch": "B1", "note": 'a "q" \\ ü 中 \t\n\x01\u2028'}),
    ]
    for line in (1, 9, 123456):
        assert (
            batch_module.jsonl_input(line) == InputRef(format="jsonl", line=line).model_dump_json()
        )
    for text in generate_lines(60, 5):
        report = engine.check(json.loads(text))
        dumped = report.model_dump_json()
        assert batch_module.with_input(dumped, None) == dumped
        for where in wheres:
            spliced = batch_module.with_input(dumped, where.model_dump_json())
            assert spliced == report.model_copy(update={"input": where}).model_dump_json()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_jsonl_results_carry_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: str
) -> None:
    source = tmp_path / "claims.jsonl"
    source.write_text(
        json.dumps(CLAIM) + "\n\n" + "{bad\n" + json.dumps({**CLAIM, "claim_id": "C-4"}) + "\n",
        encoding="utf-8",
    )
    results = _batch(source, capsys, "--workers", workers)
    assert [r.get("claim_id") for r in results] == ["C-1", None, "C-4"]
    assert results[0]["input"] == {"format": "jsonl", "line": 1}
    assert results[2]["input"] == {"format": "jsonl", "line": 4}  # the blank line counts
    # an invalid JSONL line keeps its shape: its line is all an input member would say
    assert results[1] == {"line": 3, "status": "invalid", "errors": results[1]["errors"]}


def _csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_csv_results_carry_their_line_and_id_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: str
) -> None:
    source = tmp_path / "claims.csv"
    multi = json.dumps({**CLAIM, "claim_id": "C-2"}, indent=1)  # a cell over several lines
    _csv(
        source,
        [
            ["batch_id", "claim_json", " account ", "", "batch_id"],
            ["B1", json.dumps(CLAIM), " A-9 ", "nameless", "second"],
            ["B1", multi, "A-10"],  # no cells for the last two columns
            ["B2", "{not json", "A-11", "x", "y"],
            ["B3", json.dumps({**CLAIM, "claim_id": "C-4"}), "", "", ""],
        ],
    )
    results = _batch(source, capsys, "--workers", workers)
    assert results[0]["input"] == {
        "format": "csv",
        "line": 2,
        "ids": {"batch_id": "B1", "account": "A-9"},  # header order, first of a twice-named
    }
    # a short row: the columns past its end are left out
    assert results[1]["input"] == {
        "format": "csv",
        "line": 3,
        "ids": {"batch_id": "B1", "account": "A-10"},
    }
    bad = results[2]
    assert (bad["line"], bad["status"]) == (3 + multi.count("\n") + 1, "invalid")
    assert bad["input"] == {
        "format": "csv",
        "line": bad["line"],
        "ids": {"batch_id": "B2", "account": "A-11"},
    }
    InvalidRecord.model_validate(bad)  # the published shape holds it
    assert results[3]["input"]["ids"] == {"batch_id": "B3", "account": ""}


def test_csv_without_id_columns_has_the_line_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "claims.csv"
    _csv(source, [["claim_json"], [json.dumps(CLAIM)], ["[1]"]])
    good, bad = _batch(source, capsys)
    assert good["input"] == {"format": "csv", "line": 2}
    assert "input" not in bad and bad["line"] == 3


def test_a_long_cell_is_not_copied_into_the_ids() -> None:
    limit = batch_module.MAX_ID_CHARS
    row = ["{}", "n" * limit, "x" * (limit + 1)]
    where, invalid_where = batch_module.csv_input(2, ((1, "a"), (2, "b")), row)
    assert json.loads(where)["ids"] == {
        "a": "n" * limit,
        "b": f"(a value of {limit + 1} characters, not shown)",
    }
    assert invalid_where == where


def test_csv_reader_gives_every_row_its_input() -> None:
    data = b'id,claim_json\n1,"{}"\n2,"[]"\n'
    records = list(batch_module._csv_records(io.BytesIO(data), "t.csv"))
    assert [json.loads(r[2] or "") for r in records] == [
        {"format": "csv", "line": 2, "ids": {"id": "1"}},
        {"format": "csv", "line": 3, "ids": {"id": "2"}},
    ]


def test_spark_reports_carry_no_input_member() -> None:
    """A DataFrame row has no file line: its place is the output's ``line`` column, and the
    report is ``engine.check``'s own (docs/guides/spark.md)."""
    ((line, claim_id, status, _rules, report),) = check_rows([(json.dumps(CLAIM), 0)], Config())
    assert (line, claim_id, status) == (1, "C-1", "clean")
    assert "input" not in json.loads(report)
