"""Every report names the payer profile it applied, the cleanclaim that made it and the
version of its JSON shape; the published schemas say their dialect and address."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleanclaim import __version__
from cleanclaim.config import Config
from cleanclaim.engine import Engine
from cleanclaim.models import REPORT_SCHEMA_VERSION, Report
from cleanclaim.schemas import DIALECT, InvalidRecord, json_schema

ENGINE = Engine.build(installed=False)
CLAIM = {"date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}


@pytest.mark.parametrize(
    ("payer", "profile", "note"),
    [
        (None, "commercial", "no payer given: commercial defaults"),
        ("medicare", "medicare", "the claim's payer"),
        ("Medicare", "medicare", "the claim's payer"),
        ("acme", "commercial", "payer 'acme' has no profile of its own: commercial defaults"),
    ],
)
def test_the_report_names_the_payer_profile(payer: str | None, profile: str, note: str) -> None:
    report = ENGINE.check({**CLAIM, "payer": payer} if payer else CLAIM)
    assert report.payer is not None
    assert (report.payer.payer, report.payer.profile, report.payer.note) == (
        payer.lower() if payer else None,
        profile,
        note,
    )


def test_a_configured_default_payer_is_named() -> None:
    engine = Engine.build(installed=False, config=Config(default_payer="Medicare"))
    report = engine.check(CLAIM)
    assert report.payer is not None
    assert (report.payer.profile, report.payer.note) == (
        "medicare",
        "no payer given: the default payer, medicare",
    )


def test_the_report_carries_versions_and_round_trips() -> None:
    report = ENGINE.check(CLAIM)
    assert report.cleanclaim_version == __version__
    assert report.schema_version == REPORT_SCHEMA_VERSION
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report


@pytest.mark.parametrize("name", ["claim", "report", "invalid"])
def test_schemas_name_their_dialect_and_address(name: str) -> None:
    schema = json_schema(name)
    assert schema["$schema"] == DIALECT
    assert schema["$id"].endswith(f"/{name}.json")
    assert list(schema)[:2] == ["$schema", "$id"]


def test_report_schema_lists_the_new_fields() -> None:
    properties = json_schema("report")["properties"]
    assert {"payer", "cleanclaim_version", "schema_version"} <= set(properties)


def test_a_batch_invalid_line_is_an_invalid_record(tmp_path: Path) -> None:
    batch = tmp_path / "claims.jsonl"
    batch.write_text('{"date_of_service": "2026-05-12"}\nnot json\n', encoding="utf-8")
    out = tmp_path / "results.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "cleanclaim", "check", "--batch", str(batch), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    records = [InvalidRecord.model_validate(x) for x in lines]
    assert [r.line for r in records] == [1, 2]


def test_cli_prints_the_invalid_schema() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cleanclaim", "schema", "invalid"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == json_schema("invalid")
