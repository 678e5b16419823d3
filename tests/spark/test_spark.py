"""cleanclaim.spark: a DataFrame of claims gives the command line's JSON lines (less ``input``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.cli import main
from cleanclaim.config import Config
from cleanclaim.spark import check_dataframe
from cleanclaim.synth import generate_lines


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark") / "claims.jsonl"
    path.write_text("\n".join(generate_lines(300, 31, malformed_rate=0.05)) + "\n")
    return path


def _cli_lines(path: Path, tmp_path: Path, *extra: str) -> list[str]:
    """The command line's results less their ``input`` member (a DataFrame row is not a
    line of a file: its place is the ``line`` column), which is the last of a report."""
    out = tmp_path / "cli.jsonl"
    assert main(["check", "--batch", str(path), "--output", str(out), *extra]) in (0, 1)
    lines = []
    for number, line in enumerate(out.read_text(encoding="utf-8").splitlines(), start=1):
        if '"status": "invalid"' not in line:
            member = f',"input":{{"format":"jsonl","line":{number}}}}}'
            assert line.endswith(member), line[-80:]
            line = line[: -len(member)] + "}"
        lines.append(line)
    return lines


def test_reports_equal_the_command_line(spark: Any, claims_file: Path, tmp_path: Path) -> None:
    df = spark.read.text(str(claims_file)).withColumnRenamed("value", "claim_json")
    rows = check_dataframe(df).orderBy("line").collect()
    cli = _cli_lines(claims_file, tmp_path)
    assert [row.report for row in rows] == cli
    assert [row.line for row in rows] == list(range(1, len(cli) + 1))
    for row, line in zip(rows, cli, strict=True):
        data = json.loads(line)
        assert row.status == data["status"]
        assert row.claim_id == data.get("claim_id")
        assert row.rules == [f["rule"] for f in data.get("findings", [])]
    assert {"clean", "error", "invalid"} <= {row.status for row in rows}


def test_many_partitions_keep_input_order(spark: Any, claims_file: Path, tmp_path: Path) -> None:
    texts = claims_file.read_text().splitlines()
    spread = spark.sparkContext.parallelize([(t,) for t in texts], 7).toDF(["claim_json"])
    result = check_dataframe(spread).collect()  # no orderBy: partition order is input order
    assert [row.report for row in result] == _cli_lines(claims_file, tmp_path)


def test_struct_columns_go_through_to_json(spark: Any) -> None:
    from pyspark.sql import functions as F

    df = spark.createDataFrame(
        [("C-1", "2026-05-12", ["M62.83"]), ("C-2", "2026-05-12", ["M62.830"])],
        "claim_id STRING, date_of_service STRING, diagnoses ARRAY<STRING>",
    )
    as_json = df.select(F.to_json(F.struct(*df.columns)).alias("claim_json"))
    rows = check_dataframe(as_json).orderBy("line").collect()
    assert [(r.claim_id, r.status) for r in rows] == [("C-1", "error"), ("C-2", "clean")]
    assert rows[0].rules == ["ICD102"]


def test_configuration_reaches_the_executors(spark: Any, claims_file: Path, tmp_path: Path) -> None:
    config_file = tmp_path / "cleanclaim.toml"
    config_file.write_text('ignore = ["ICD102"]\ndefault-payer = "medicare"\n')
    df = spark.read.text(str(claims_file)).withColumnRenamed("value", "claim_json")
    rows = check_dataframe(df, config=Config.load(config_file)).orderBy("line").collect()
    cli = _cli_lines(claims_file, tmp_path, "--config", str(config_file))
    assert [row.report for row in rows] == cli
    assert all("ICD102" not in row.rules for row in rows)


def test_missing_column_is_a_clear_error(spark: Any) -> None:
    df = spark.createDataFrame([("{}",)], "claim STRING")
    with pytest.raises(ValueError, match="no column 'claim_json'"):
        check_dataframe(df)
