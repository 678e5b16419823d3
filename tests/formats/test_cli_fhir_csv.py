"""``cleanclaim check FILE`` on FHIR and flat CSV files: told from the content, a report per
claim pointing into the file, and records that cannot be read named with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleanclaim", *args], capture_output=True, text=True, check=False
    )


def test_fhir_claim_text_names_the_fhir_path() -> None:
    done = _cli("check", str(SAMPLES / "fhir-claim.json"), "--color", "never")
    assert done.returncode == 1, done.stderr
    assert "PT101 [physical-therapy] at lines[1].modifiers (Claim.item[1].modifier)" in done.stdout


def test_fhir_bundle_json_reports_carry_entries() -> None:
    done = _cli("check", str(SAMPLES / "fhir-bundle.json"), "--format", "json")
    assert done.returncode == 1, done.stderr
    reports = json.loads(done.stdout)
    assert [r["input"]["entry"] for r in reports] == [4, 7, 9]
    assert [r["input"]["ids"] for r in reports][1] == {"claim": "CH-3001"}
    assert {"DC105": "Claim.item[0].modifier"}.items() <= {
        f["rule"]: f.get("input_location") for f in reports[1]["findings"]
    }.items()


def test_fhir_input_as_operation_outcome_uses_fhir_paths() -> None:
    done = _cli("check", str(SAMPLES / "fhir-claim.json"), "--format", "fhir")
    outcome = json.loads(done.stdout)
    assert outcome["resourceType"] == "OperationOutcome"
    expressions = [i.get("expression") for i in outcome["issue"]]
    assert ["Claim.item[1].modifier"] in expressions
    assert ["lines[1].modifiers"] not in expressions


def test_non_icd10_diagnosis_is_named_and_exits_2() -> None:
    done = _cli("check", str(SAMPLES / "fhir-non-icd10.json"))
    assert done.returncode == 2
    assert "Claim.diagnosis[1]: coded in SNOMED CT, not ICD-10-CM" in done.stderr
    assert "Traceback" not in done.stderr


def test_flat_csv_reports_point_at_rows() -> None:
    done = _cli("check", str(SAMPLES / "csv-lines.csv"), "--format", "json")
    assert done.returncode == 1, done.stderr
    reports = json.loads(done.stdout)
    assert [r["claim_id"] for r in reports] == ["PT-1001", "PC-2001", "CH-3001", "UR-4001"]
    assert reports[0]["input"] == {
        "format": "csv-lines",
        "file": str(SAMPLES / "csv-lines.csv"),
        "line": 2,
        "ids": {"claim_id": "PT-1001"},
    }
    first = {f["rule"]: f.get("input_location") for f in reports[0]["findings"]}
    assert first["PT101"] == "row 3, column Modifiers"


def test_flat_csv_unknown_column_exits_2() -> None:
    done = _cli("check", str(SAMPLES / "csv-unknown-column.csv"))
    assert done.returncode == 2
    assert "unknown column 'rendering_npi'" in done.stderr
    assert "Traceback" not in done.stderr


def test_flat_csv_bad_rows_are_named_and_the_rest_checked() -> None:
    done = _cli("check", str(SAMPLES / "csv-bad-rows.csv"), "--format", "jsonl")
    assert done.returncode == 2
    checked = [json.loads(line)["claim_id"] for line in done.stdout.splitlines()]
    assert checked == ["C-1"]
    assert "row 6, column claim_id: this claim id appeared earlier in the file" in done.stderr
    assert "row 3, column units: not a whole number" in done.stderr


def _batch(sample: str, *extra: str) -> tuple[int, list[dict[str, object]]]:
    done = _cli("check", "--batch", str(SAMPLES / sample), *extra)
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines()]


def test_batch_fhir_bundle_one_line_per_claim_with_its_entry() -> None:
    code, lines = _batch("fhir-bundle.json", "--workers", "2")
    assert code == 1
    assert [(r["claim_id"], r["input"]) for r in lines] == [
        ("PC-2001", {"format": "fhir", "entry": 4, "ids": {"claim": "PC-2001"}}),
        ("CH-3001", {"format": "fhir", "entry": 7, "ids": {"claim": "CH-3001"}}),
        ("UR-4001", {"format": "fhir", "entry": 9, "ids": {"claim": "UR-4001"}}),
    ]


def test_batch_flat_csv_invalid_claims_keep_their_rows() -> None:
    code, lines = _batch("csv-bad-rows.csv")
    assert code == 1
    assert [(r.get("line"), r["status"]) for r in lines] == [
        (2, "invalid"),
        (3, "invalid"),
        (None, "clean"),  # PT106 is advice when no documentation is sent
        (6, "invalid"),
        (7, "invalid"),
    ]
    assert lines[3]["input"] == {"format": "csv-lines", "line": 6, "ids": {"claim_id": "A-1"}}
