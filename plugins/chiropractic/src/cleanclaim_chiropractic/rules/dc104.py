"""DC104 (cmt-region-count): The spinal regions diagnosed (M99.01-M99.05) and documented
(documentation.spinal_regions) do not support the CMT level billed.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_chiropractic.regions import (
    LineRegions,
    RegionSource,
    line_regions,
    spinal_cmt_lines,
    tables,
)
from cleanclaim_chiropractic.rules.common import (
    _DEFAULTS,
    _claim,
    _region_list,
)


def _describe(regions: LineRegions) -> str:
    """Notes on regions that did not count: diagnosed-only, documented-only, head."""
    notes: list[str] = []
    diagnosed_only = [r for r in regions.diagnosed if r not in regions.documented]
    documented_only = [r for r in regions.documented if r not in regions.diagnosed]
    if regions.diagnosed and regions.documented:
        if diagnosed_only:
            notes.append(
                "diagnosed but not documented: "
                + ", ".join(f"{r} ({regions.diagnosed[r]})" for r in diagnosed_only)
            )
        if documented_only:
            notes.append("documented but not diagnosed: " + ", ".join(documented_only))
    if regions.head_codes:
        notes.append(
            f"{', '.join(regions.head_codes)} (head) is not one of the five CMT spinal regions"
        )
    return f" ({'; '.join(notes)})" if notes else ""


class RegionCountOptions(RuleOptions):
    """DC104's options (defaults from ``data/policy.toml``, with their sources)."""

    region_source: RegionSource = Field(
        _DEFAULTS["DC104"]["region_source"],
        description=(
            "How diagnosed and documented regions combine: `both` (default; regions "
            "both diagnosed and documented, or the one given when the other is "
            "empty), `diagnosed`, `documented` or `either` (union)."
        ),
    )
    report_undercoding: bool = Field(
        _DEFAULTS["DC104"]["report_undercoding"],
        description=(
            "Report an info finding when more regions are supported than the code "
            "billed (default true)."
        ),
    )


def check_region_count(ctx: ClaimContext, options: RegionCountOptions) -> Iterator[Hit]:
    """The regions diagnosed and documented must support the CMT level billed."""
    source = options.region_source
    t = tables()
    for index in spinal_cmt_lines(ctx):
        procedure = ctx.lines[index].procedure
        limits = t.levels.get(procedure)
        if limits is None:
            continue
        low, high = limits
        regions = line_regions(ctx, index)
        supported = regions.supported(source)
        count = len(supported)
        if count and low <= count <= high:
            continue  # the level billed is the level supported: nothing to say
        wanted = f"{low}-{high}" if low != high else str(low)
        detail = _describe(regions)
        if count == 0:
            if regions.diagnosed or regions.documented:
                yield Hit(
                    message=(
                        f"{procedure} is billed, but no spinal region is both diagnosed "
                        f"(M99.01-M99.05) and documented{detail}: the manipulation has no "
                        "supported region."
                    ),
                    location=f"lines[{index}]",
                    codes=(procedure, *regions.diagnosed.values()),
                )
            else:
                yield Hit(
                    message=(
                        f"{procedure} is billed for {wanted} spinal regions, but no region is "
                        "diagnosed (M99.01-M99.05) or documented (documentation.spinal_regions)"
                        f"{detail}: document the regions manipulated."
                    ),
                    location="documentation.spinal_regions",
                    codes=(procedure,),
                    severity="warning",
                )
            continue
        right = t.level_for(count)
        suggestions = (right,) if right and right != procedure else ()
        listed = _region_list(supported)
        if count < low:
            yield Hit(
                message=(
                    f"{procedure} is billed for {wanted} spinal regions, but the claim supports "
                    f"{count} region{'s' if count != 1 else ''} ({listed}){detail}: "
                    f"bill {right or 'the matching CMT code'}, or diagnose and document every "
                    "region manipulated."
                ),
                location=f"lines[{index}]",
                codes=(procedure, *regions.diagnosed.values()),
                suggestions=suggestions,
            )
        elif count > high and options.report_undercoding:
            yield Hit(
                message=(
                    f"{procedure} is billed for {wanted} spinal regions, but the claim supports "
                    f"{count} regions ({listed}){detail}: "
                    f"{right or 'a higher CMT code'} may be the right level."
                ),
                location=f"lines[{index}]",
                codes=(procedure, *regions.diagnosed.values()),
                suggestions=suggestions,
                severity="info",
            )


DC104 = Rule(
    id="DC104",
    scope=Scope(procedures=frozenset({"cmt"})),
    name="cmt-region-count",
    summary=(
        "The spinal regions diagnosed (M99.01-M99.05) and documented "
        "(documentation.spinal_regions) do not support the CMT level billed."
    ),
    why=(
        "98940 is manipulation of 1-2 spinal regions, 98941 of 3-4 and 98942 of 5 "
        "(cervical, thoracic, lumbar, sacral, pelvic; M99.00 head is not one of them). "
        "A level above what the record supports is denied or recouped. By default a "
        "region counts when it is both diagnosed by an M99.01-M99.05 code the line "
        "points at and documented; when only one of the two is given, that one is "
        "used. Too few regions is an error, none at all a warning, more regions than "
        "the code (possible undercoding) an info. All payers, all dates."
    ),
    example=(
        "diagnoses [M99.03, M62.830], line 98941-AT, documentation.spinal_regions "
        "[lumbar]: 1 region supports 98940, not 98941."
    ),
    fix=(
        "Bill the level the record supports (98940), or diagnose and document each "
        "region manipulated."
    ),
    reference=(
        "CPT CMT code structure (98940 1-2, 98941 3-4, 98942 5 spinal regions); "
        "Pub 100-02 ch. 15 §240.1.4 (precise level of subluxation)"
    ),
    check=check_region_count,
    groups=("chiropractic", "regions"),
    options=RegionCountOptions,
    example_claim=_claim(
        lines=[{"procedure": "98941", "modifiers": ["AT"], "diagnosis_pointers": [1, 2]}]
    ),
)
