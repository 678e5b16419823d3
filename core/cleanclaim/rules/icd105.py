"""ICD105: the same diagnosis listed twice."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rule import Hit, Rule, Scope


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    seen: dict[str, int] = {}
    for index, code in enumerate(ctx.diagnoses):
        if code in seen:
            yield Hit(
                f"{code} is listed twice (as diagnoses {seen[code] + 1} and {index + 1}); "
                "list each diagnosis once and point lines at that one entry.",
                f"diagnoses[{index}]",
                (code,),
            )
        else:
            seen[code] = index


RULE = Rule(
    id="ICD105",
    name="duplicate-diagnosis",
    summary="The same diagnosis code appears more than once in the claim's diagnosis list "
    "(with or without the dot, in any case).",
    why="Claim front-end edits reject duplicate diagnosis codes, and a duplicate wastes one of "
    "the twelve diagnosis slots of the CMS-1500.",
    example="diagnoses: M62.830, M54.50, M62830.",
    fix="Remove the second entry and point every service line at the first.",
    reference="CMS-1500 item 21 instructions (Medicare Claims Processing Manual ch. 26); "
    "X12 837P HI segment",
    check=check,
    groups=("diagnosis",),
    scope=Scope(diagnoses_only=True),
    example_claim={"date_of_service": "2026-05-12", "diagnoses": ["M62.830", "M62830"]},
)
