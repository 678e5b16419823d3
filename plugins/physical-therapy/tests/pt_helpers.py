"""Claim builders for the physical-therapy tests (named to avoid clashes with other plugins)."""

from __future__ import annotations

import copy
from typing import Any

from cleanclaim.models import Finding, Report

COMPLETE_DOCUMENTATION: dict[str, Any] = {
    "site": "lumbar",
    "onset": "acute",
    "trauma": False,
    "mechanism": "bending to lift a box, no fall or impact",
    "objective_findings": ["palpable paraspinal muscle guarding L3-L5"],
    "treatment_rationale": "therapeutic exercise to restore lumbar range of motion",
    "spinal_regions": ["lumbar"],
}


def line(
    code: str, units: int = 1, minutes: int | None = None, *mods: str, **extra: Any
) -> dict[str, Any]:
    """A service line pointing at the first diagnosis."""
    out: dict[str, Any] = {
        "procedure": code,
        "modifiers": list(mods),
        "units": units,
        "diagnosis_pointers": [1],
    }
    if minutes is not None:
        out["minutes"] = minutes
    out.update(extra)
    return out


def claim(
    *lines: dict[str, Any],
    payer: str | None = "medicare",
    day: str = "2026-05-12",
    diagnoses: tuple[str, ...] = ("M62.830",),
    documentation: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A Medicare PT claim with complete documentation unless told otherwise."""
    out: dict[str, Any] = {
        "claim_id": "T",
        "date_of_service": day,
        "diagnoses": list(diagnoses),
        "lines": list(lines) or [line("97110", 2, 30, "GP")],
        "documentation": copy.deepcopy(
            COMPLETE_DOCUMENTATION if documentation is None else documentation
        ),
    }
    if payer is not None:
        out["payer"] = payer
    out.update(extra)
    return out


def of_rule(report: Report, rule: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule]


def plugin_findings(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.source == "physical-therapy"]
