"""A report as a FHIR R4 ``OperationOutcome`` (``cleanclaim check --format fhir``).

An EHR that sent a FHIR ``Claim`` reads the answer in the resource it already knows how to
show: one ``issue`` per finding, with the finding's severity, an issue type from the R4
``IssueType`` value set (http://hl7.org/fhir/R4/valueset-issue-type.html), the message as
``details.text``, the rule id and its public reference as ``diagnostics``, and the path of
the element it is about as ``expression`` (the FHIR path for a claim read from FHIR,
cleanclaim's own location otherwise).  A clean claim gets one ``information`` issue: an
OperationOutcome must hold at least one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cleanclaim.models import Finding, Report

#: cleanclaim severity -> OperationOutcome.issue.severity (R4 IssueSeverity).
SEVERITY = {"error": "error", "warning": "warning", "info": "information"}
#: rules whose finding is a code that is not valid in its code set: ``code-invalid``;
#: the same diagnosis twice: ``duplicate``; a rule that failed: ``exception``.  Every
#: other error or warning is a payer or coding-guideline edit: ``business-rule``; advice
#: (info) is ``informational``.
ISSUE_CODE = {
    "ICD101": "code-invalid",  # not an ICD-10-CM code of the year
    "ICD102": "code-invalid",  # a header, not a billable code
    "ICD103": "code-invalid",  # the seventh character is missing or wrong
    "ICD105": "duplicate",
    "CLM205": "code-invalid",  # a procedure code no code set knows
    "CLM206": "code-invalid",  # not shaped like a CPT/HCPCS code
    "ENG001": "exception",
}


def issue_code(finding: Finding) -> str:
    """The IssueType code of a finding (see `ISSUE_CODE`)."""
    code = ISSUE_CODE.get(finding.rule)
    if code is not None:
        return code
    return "informational" if finding.severity == "info" else "business-rule"


def _issue(finding: Finding, fhir_input: bool) -> dict[str, Any]:
    issue: dict[str, Any] = {
        "severity": SEVERITY[finding.severity],
        "code": issue_code(finding),
        "details": {"text": finding.message},
        "diagnostics": (
            f"{finding.rule}: {finding.reference}" if finding.reference else finding.rule
        ),
    }
    expression = finding.input_location if fhir_input else finding.location
    if expression:
        issue["expression"] = [expression]
    return issue


def operation_outcome(report: Report) -> dict[str, Any]:
    """The report as an OperationOutcome resource (a JSON-ready dict)."""
    fhir_input = report.input is not None and report.input.format == "fhir"
    issues = [_issue(finding, fhir_input) for finding in report.findings]
    if not issues:
        ds = report.dataset
        issues.append(
            {
                "severity": "information",
                "code": "informational",
                "details": {"text": "No findings: the claim is clean."},
                "diagnostics": f"checked against {ds.system} FY{ds.fiscal_year} "
                f"(release {ds.release})",
            }
        )
    return {"resourceType": "OperationOutcome", "issue": issues}


def outcome_bundle(reports: Iterable[Report]) -> dict[str, Any]:
    """Several reports (several claim files) as a ``collection`` Bundle of
    OperationOutcomes, in the order given."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": operation_outcome(report)} for report in reports],
    }
