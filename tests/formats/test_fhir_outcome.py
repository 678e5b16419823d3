"""Reports as FHIR R4 OperationOutcomes, from Python and from ``check --format fhir``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.engine import Engine
from cleanclaim.formats import located
from cleanclaim.formats.fhir import read
from cleanclaim.formats.fhir_outcome import issue_code, operation_outcome, outcome_bundle

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.build()


def _twin(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return data


def test_one_issue_per_finding_with_cleanclaim_locations(engine: Engine) -> None:
    claim = _twin("fhir-claim.cleanclaim.json")
    claim["documentation"] = {}  # a note that records nothing: the documentation warnings
    report = engine.check(claim)
    outcome = operation_outcome(report)
    assert outcome["resourceType"] == "OperationOutcome"
    assert len(outcome["issue"]) == len(report.findings)
    first = report.findings[0]
    issue = outcome["issue"][0]
    assert (
        issue["severity"]
        == {"error": "error", "warning": "warning", "info": "information"}[first.severity]
    )
    assert issue["details"] == {"text": first.message}
    assert issue["diagnostics"] == f"{first.rule}: {first.reference}"
    assert issue["expression"] == [first.location]
    severities = {i["severity"] for i in outcome["issue"]}
    assert severities == {"error", "warning", "information"}


def test_fhir_input_gives_fhir_paths(engine: Engine) -> None:
    with (SAMPLES / "fhir-claim.json").open("rb") as stream:
        (got,) = list(read(stream, "fhir-claim.json"))
    assert got.claim is not None
    report = located(engine.check(got.claim), got.origin)
    issues = operation_outcome(report)["issue"]
    by_rule = {i["diagnostics"].split(":")[0]: i for i in issues}
    assert by_rule["PT101"]["expression"] == ["Claim.item[1].modifier"]
    assert by_rule["PT101"]["code"] == "business-rule"
    assert by_rule["PC104"]["code"] == "informational"
    # a documentation element has no FHIR path: no expression, never a cleanclaim one
    assert "expression" not in by_rule["PT106"]


def test_a_clean_claim_has_one_informational_issue(engine: Engine) -> None:
    claim = {"date_of_service": "2026-06-01", "diagnoses": ["N81.84"]}
    report = engine.check(claim)
    assert report.status == "clean" and not report.findings
    (issue,) = operation_outcome(report)["issue"]
    assert issue["severity"] == "information"
    assert issue["code"] == "informational"
    assert issue["details"]["text"] == "No findings: the claim is clean."


def test_issue_codes(engine: Engine) -> None:
    report = engine.check({"date_of_service": "2026-06-01", "diagnoses": ["M62.8", "M62.8"]})
    codes = {f.rule: issue_code(f) for f in report.findings}
    assert codes.get("ICD102") == "code-invalid"  # M62.8 is a header, not billable
    assert codes.get("ICD105") == "duplicate"


def test_outcomes_are_valid_fhir(engine: Engine) -> None:
    outcome_model = pytest.importorskip("fhir.resources.R4B.operationoutcome")
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle")
    reports = [engine.check(_twin("fhir-claim.cleanclaim.json"))]
    reports.append(engine.check({"date_of_service": "2026-06-01", "diagnoses": ["N81.84"]}))
    for report in reports:
        outcome_model.OperationOutcome.model_validate(operation_outcome(report))
    bundle_model.Bundle.model_validate(outcome_bundle(reports))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleanclaim", *args], capture_output=True, text=True, check=False
    )


def test_check_format_fhir() -> None:
    done = _cli("check", str(SAMPLES / "fhir-claim.cleanclaim.json"), "--format", "fhir")
    assert done.returncode == 1, done.stderr  # PT101 is an error
    outcome = json.loads(done.stdout)
    assert outcome["resourceType"] == "OperationOutcome"
    assert any(i["expression"] == ["lines[1].modifiers"] for i in outcome["issue"])
    twins = SAMPLES / "fhir-claim.cleanclaim.json"
    done = _cli("check", str(twins), str(twins), "--format", "fhir")
    bundle = json.loads(done.stdout)
    assert bundle["resourceType"] == "Bundle" and len(bundle["entry"]) == 2


def test_batch_refuses_format_fhir() -> None:
    done = _cli(
        "check", "--batch", str(SAMPLES / "fhir-bundle.cleanclaim.jsonl"), "--format", "fhir"
    )
    assert done.returncode == 2
    assert "--output-format fhir does not apply to --batch" in done.stderr
