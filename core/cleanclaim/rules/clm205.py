"""CLM205: a procedure code that no loaded plugin knows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rule import Hit, Rule
from cleanclaim.rules.clm206 import is_well_formed


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    known = ctx.tables.procedures
    for index, line in enumerate(ctx.lines):
        # A code of no CPT/HCPCS shape is CLM206's error; this info is for real-looking codes.
        if line.procedure not in known and is_well_formed(line.procedure):
            yield Hit(
                f"{line.procedure} is unknown to every loaded plugin, so no pairing, edit or "
                "payer rule was checked for this line.",
                f"lines[{index}]",
                (line.procedure,),
            )


RULE = Rule(
    id="CLM205",
    name="unknown-procedure",
    summary="A well-formed procedure code that no loaded plugin contributes, so its line was "
    "checked only for diagnosis pointers (a code of no CPT/HCPCS shape is CLM206).",
    why="A clean report should not be mistaken for a checked line: this says which lines "
    "no specialty rules looked at (a typo, or a specialty whose plugin is not installed).",
    example="A claim with 99499 when only the therapy plugins are installed.",
    fix="Check the code for a typo, or install the plugin for that specialty.",
    reference="No payer rule: this says which lines no installed specialty plugin checked "
    "(CPT and HCPCS Level II, the HIPAA procedure code sets of 45 CFR 162.1002, are not "
    "shipped whole)",
    check=check,
    default_severity="info",
    groups=("claim",),
    example_claim={
        "date_of_service": "2026-05-12",
        "diagnoses": ["M62.830"],
        "lines": [{"procedure": "99499", "units": 1, "diagnosis_pointers": [1]}],
    },
)
