"""ICD103: the 7th character is missing or invalid, or the placeholder X is missing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.icd.explain import kinds_reported_by
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim.rules.diagnoses import hits_of_kinds

KINDS = kinds_reported_by("ICD103")


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    return hits_of_kinds(ctx, KINDS)


RULE = Rule(
    id="ICD103",
    name="seventh-character",
    summary="A code from a category that requires a 7th character is reported without one, "
    "with one that is not defined for it, or without the placeholder X that puts the 7th "
    "character in the 7th position.",
    why="Injury, poisoning and other categories are complete only with the 7th character "
    "(A initial, D subsequent, S sequela ...); S39.012 or S13.4A is invalid and rejected.",
    example="S39.012 (strain of lower back) without its 7th character; S13.4A instead of S13.4XXA.",
    fix="Add the 7th character for the encounter (A active treatment, D healing phase, S "
    "sequela) and fill empty positions with X.",
    reference="ICD-10-CM Official Guidelines I.A.4 (placeholder X), I.A.5 (7th characters), "
    "I.C.19.a",
    check=check,
    groups=("diagnosis",),
    scope=Scope(diagnoses_only=True),
    example_claim={"date_of_service": "2026-05-12", "diagnoses": ["S39.012"]},
)
