"""ICD102: a category or subcategory header reported as if it were a billable code."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.icd.explain import kinds_reported_by
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim.rules.diagnoses import hits_of_kinds

KINDS = kinds_reported_by("ICD102")


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    return hits_of_kinds(ctx, KINDS)


RULE = Rule(
    id="ICD102",
    name="header-code",
    summary="A non-billable header (a category or subcategory that has subdivisions) "
    "reported as a diagnosis.",
    why="Only complete codes may be reported: a header such as M62.83 (Muscle spasm) has "
    "more specific codes below it and payers reject it as incomplete.",
    example="M62.83 on a claim for back spasm.",
    fix="Report the most specific billable code the documentation supports; the finding lists "
    "the header's billable descendants (M62.830 Muscle spasm of back, M62.831 of calf, M62.838 "
    "other).",
    reference="ICD-10-CM Official Guidelines I.B.2 (level of detail in coding)",
    check=check,
    groups=("diagnosis",),
    scope=Scope(diagnoses_only=True),
    example_claim={"date_of_service": "2026-05-12", "diagnoses": ["M62.83"]},
)
