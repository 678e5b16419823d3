"""ICD101: a diagnosis code that is not valid for the date of service."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.icd.explain import kinds_reported_by
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim.rules.diagnoses import hits_of_kinds

KINDS = kinds_reported_by("ICD101")


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    return hits_of_kinds(ctx, KINDS)


RULE = Rule(
    id="ICD101",
    name="invalid-diagnosis-code",
    summary="A diagnosis code that is not valid in the ICD-10-CM release for the date of "
    "service: a typo or a code that never existed, a code deleted or expanded before that "
    "date, or one not yet effective on it.",
    why="Payers validate every diagnosis against the code set in force on the date of "
    "service (HIPAA code-set rules); there has been no grace period for deleted codes since "
    "2004, so such a claim is rejected before anyone reads it.",
    example="A 2026 claim with M54.5: M54.5 was billable in FY2021 and was expanded on "
    "2021-10-01 into M54.50, M54.51 and M54.59.",
    fix="Report the code in force on the date of service; the finding lists the codes that "
    "replaced a deleted one, or the nearest real codes for a typo.",
    reference="ICD-10-CM Official Guidelines I.A and I.B.2; HIPAA code-set rules (45 CFR 162.1002)",
    check=check,
    groups=("diagnosis",),
    scope=Scope(diagnoses_only=True),
    example_claim={"date_of_service": "2026-05-12", "diagnoses": ["M54.5"]},
)
