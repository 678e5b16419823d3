"""ENG002: the claim was judged against another fiscal year's dataset, as configured."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, Rule


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    """Never reports by itself: the engine emits ENG002 when it uses the fallback year."""
    return iter(())


RULE = Rule(
    id="ENG002",
    name="dataset-fallback",
    summary="No ICD-10-CM dataset is packaged for the fiscal year of the date of service, and "
    "the configuration's fallback-fiscal-year was used instead.",
    why="Codes are valid per fiscal year; judging a FY2024 claim with FY2025 data can call a "
    "code valid that was not yet effective, or invalid one that was later deleted. Without "
    "the fallback such a claim is refused (exit 2), never silently judged with another year.",
    example="fallback-fiscal-year = 2025 and a date of service of 2024-03-01 (FY2024).",
    fix="Install a cleanclaim-refdata release that packages that fiscal year, or accept the "
    "approximation knowingly.",
    reference="DESIGN: datasets are chosen by the fiscal year of the date of service",
    check=check,
    default_severity="warning",
    groups=("engine",),
)
