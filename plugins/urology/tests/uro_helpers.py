"""Small claim builders and finding filters shared by the urology tests."""

from __future__ import annotations

from typing import Any

from cleanclaim.models import Finding, Report


def claim(
    *procedures: str,
    day: str = "2026-05-12",
    payer: str = "commercial",
    diagnoses: tuple[str, ...] = ("N39.3",),
    history: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    """A small claim: one line per procedure, each pointing at the first diagnosis."""
    return {
        "claim_id": "URO-TEST",
        "date_of_service": day,
        "payer": payer,
        "patient": {"age": 52, "sex": "F"},
        "diagnoses": list(diagnoses),
        "lines": [{"procedure": p, "units": 1, "diagnosis_pointers": [1]} for p in procedures],
        "service_history": [{"procedure": p, "date_of_service": d} for p, d in history],
    }


def findings(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


def only(report: Report, rule: str) -> Finding:
    found = findings(report, rule)
    assert len(found) == 1, [(f.rule, f.message) for f in report.findings]
    return found[0]
