"""DC103 (medicare-secondary-region): A subluxation level (M99.01-M99.05) with no secondary
diagnosis of the same region, on a Medicare CMT claim (warning).

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_chiropractic.regions import (
    extra_from_option,
    spinal_cmt_lines,
    tables,
)
from cleanclaim_chiropractic.rules.common import (
    MEDICARE_ONLY,
    _claim,
)


class SecondaryRegionOptions(RuleOptions):
    """DC103's options (defaults from ``data/policy.toml``, with their sources)."""

    extra_diagnosis_regions: Mapping[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description=(
            "Mapping of diagnosis pattern -> list of regions (cervical, thoracic, "
            "lumbar, sacral, pelvic) added to the bundled table of diagnoses whose "
            'title names a region, e.g. {"M79.18" = ["lumbar"]}.'
        ),
    )


def check_secondary_region(ctx: ClaimContext, options: SecondaryRegionOptions) -> Iterator[Hit]:
    """Medicare CMT: each subluxation level should have a secondary diagnosis of its region."""
    if not spinal_cmt_lines(ctx):
        return
    t = tables()
    extra = extra_from_option(options.extra_diagnosis_regions)
    secondary: list[tuple[str, frozenset[str]]] = []
    for code in ctx.diagnoses:
        if t.is_subluxation(code):
            continue
        names = t.regions_of(code, extra)
        if names:
            secondary.append((code, names))
    if not secondary:
        return  # nothing whose region we know: DC102 covers a missing condition
    for index, code in enumerate(ctx.diagnoses):
        region = t.subluxation_region(code)
        if region is None or region.kind != "spinal":
            continue
        if any(region.name in names for _, names in secondary):
            continue
        others = "; ".join(f"{c} is {'/'.join(sorted(n))}" for c, n in secondary)
        yield Hit(
            message=(
                f"{code} ({region.name} subluxation) has no secondary diagnosis of the "
                f"{region.name} region ({others}): add the {region.name} condition the "
                "manipulation treats, or check the subluxation level."
            ),
            location=f"diagnoses[{index}]",
            codes=(code, *(c for c, _ in secondary)),
        )


DC103 = Rule(
    id="DC103",
    scope=Scope(procedures=frozenset({"cmt"})),
    name="medicare-secondary-region",
    summary=(
        "A subluxation level (M99.01-M99.05) with no secondary diagnosis of the same "
        "region, on a Medicare CMT claim (warning)."
    ),
    why=(
        "Some MACs expect the secondary condition to be of the region of the "
        "subluxation (a lumbar subluxation with a lumbar condition). No LCD table with "
        "this pairing could be confirmed, so it is a warning only, judged only "
        "when some secondary diagnosis names a region. Holds from 2015-10-01. " + MEDICARE_ONLY
    ),
    example="diagnoses [M99.01, M54.50], line 98940-AT to Medicare.",
    fix=(
        "Add the cervical condition treated (e.g. M54.2), or correct the subluxation "
        "level to the region the secondary condition is in (M99.03)."
    ),
    reference=(
        "Some MACs' chiropractic LCDs and billing articles pair the subluxation level "
        "with a secondary diagnosis of the same region; no national rule does (check "
        "your MAC's in the Medicare Coverage Database)"
    ),
    check=check_secondary_region,
    default_severity="warning",
    enabled_by_default=False,
    groups=("chiropractic", "medicare"),
    options=SecondaryRegionOptions,
    example_claim=_claim(
        diagnoses=["M99.01", "M54.50"], documentation={"spinal_regions": ["cervical"]}
    ),
)
