"""ENG002: the claim was judged against another fiscal year's dataset, as asked for."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rule import Hit, Rule


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Never reports by itself: the engine emits ENG002 when it uses the fallback year."""
    return iter(())


RULE = Rule(
    id="ENG002",
    name="dataset-fallback",
    summary="No ICD-10-CM dataset serves the date of service (its fiscal year, or the update "
    "that changed the code set on that date, is not packaged or installed), and the claim was "
    "checked against the fallback fiscal year that --fallback-fy or the configuration's "
    "fallback-fiscal-year asked for; the message says which of the two.",
    why="Codes are valid per release; judging a FY2024 claim with FY2025 data can call a "
    "code valid that was not yet effective, or invalid one that was later deleted, and the "
    "October 2022 release misses the 42 codes the April 2023 update added. Without the "
    "fallback such a claim is refused (exit 2), never silently judged with another code set.",
    example="fallback-fiscal-year = 2025 and a date of service of 2024-03-01 (FY2024); or "
    "--fallback-fy 2023 and a date of service of 2023-06-01 (the April 2023 update).",
    fix="Add the missing CMS release with `cleanclaim datasets add FILE` (the tabular XML or "
    "the ...-code-tables-tabular-index.zip), or accept the approximation knowingly.",
    reference="HIPAA code-set rules: a code set is valid within the dates its maintainer "
    "sets (45 CFR 162.1002, 162.1011)",
    check=check,
    default_severity="warning",
    groups=("engine",),
)
