"""DC108 (manual-therapy-region): Manual therapy (97140) on the same day as spinal CMT that
points only at diagnoses of the region manipulated.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_chiropractic.regions import (
    RegionSource,
    extra_from_option,
    line_regions,
    spinal_cmt_lines,
    tables,
)
from cleanclaim_chiropractic.rules.common import (
    _DEFAULTS,
    _claim,
    _codes,
    _region_list,
)

#: modifiers that say a same-day service was distinct (another region): XS, 59 and kin.
DISTINCT = frozenset({"59", "XS", "XE", "XP", "XU"})


def _edited(ctx: ClaimContext, cmt_codes: Sequence[str], index: int) -> bool:
    """True when an NCCI PTP edit in force pairs a CMT code with this line's code: the
    kernel's CLM203 then reports the unmodified line, and DC108 would say it twice."""
    code = ctx.lines[index].procedure
    return any(
        edit.modifier_indicator != 9 and edit.holds_on(ctx.day)
        for cmt in cmt_codes
        for edit in ctx.ptp_edits(cmt, code)
    )


class ManualTherapyRegionOptions(RuleOptions):
    """DC108's options (defaults from ``data/policy.toml``, with their sources)."""

    procedures: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC108"]["procedures"]),
        description=("Codes that must treat a region other than the one manipulated."),
    )
    region_source: RegionSource = Field(
        _DEFAULTS["DC108"]["region_source"],
        description=("How the manipulated regions are found, as in DC104 (default both)."),
    )
    extra_diagnosis_regions: Mapping[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description=("Mapping of diagnosis pattern -> regions added to the bundled table."),
    )


def check_manual_therapy_region(
    ctx: ClaimContext, options: ManualTherapyRegionOptions
) -> Iterator[Hit]:
    """Manual therapy on a CMT day must treat, and point at, a region not manipulated."""
    cmt = spinal_cmt_lines(ctx)
    procedures = set(options.procedures)
    targets = [i for i, line in enumerate(ctx.lines) if line.procedure in procedures]
    if not cmt or not targets:
        return
    t = tables()
    source = options.region_source
    manipulated: set[str] = set()
    for index in cmt:
        manipulated.update(line_regions(ctx, index).supported(source))
    if not manipulated:
        return  # DC104 reports a CMT line with no region
    extra = extra_from_option(options.extra_diagnosis_regions)
    same = sorted(manipulated, key=t.spinal_order.index)
    others = tuple(
        code
        for code in ctx.diagnoses
        if (names := t.regions_of(code, extra)) and names.isdisjoint(manipulated)
    )
    cmt_codes = _codes(ctx, cmt)
    for index in targets:
        pointed = ctx.line_diagnoses[index]
        if not pointed:
            continue  # CLM201 reports a line without diagnoses
        if not ctx.line_modifiers[index] & DISTINCT and _edited(ctx, cmt_codes, index):
            continue  # the NCCI edit (CLM203) already reports it: one finding per problem
        regions = {code: t.regions_of(code, extra) for code in pointed}
        if any(names and names.isdisjoint(manipulated) for names in regions.values()):
            continue
        code = ctx.lines[index].procedure
        if all(regions.values()):
            yield Hit(
                message=(
                    f"{code} on the same day as {', '.join(cmt_codes)} points only at "
                    f"diagnoses of the manipulated region ({_region_list(same)}: "
                    f"{', '.join(pointed)}); manual therapy is separately payable only for a "
                    "different region: point it at that region's diagnosis (with 59/XS), or "
                    "drop the line."
                ),
                location=f"lines[{index}].diagnosis_pointers",
                codes=(code, *cmt_codes, *pointed),
                suggestions=others,
            )
        else:
            yield Hit(
                message=(
                    f"{code} on the same day as {', '.join(cmt_codes)} points at no diagnosis "
                    f"that names a region other than the one manipulated ({_region_list(same)}): "
                    "point it at a diagnosis of the region treated with manual therapy."
                ),
                location=f"lines[{index}].diagnosis_pointers",
                codes=(code, *cmt_codes, *pointed),
                suggestions=others,
                severity="warning",
            )


DC108 = Rule(
    id="DC108",
    scope=Scope(procedures=frozenset({"cmt"})),
    name="manual-therapy-region",
    summary=(
        "Manual therapy (97140) on the same day as spinal CMT that points only at "
        "diagnoses of the region manipulated."
    ),
    why=(
        "NCCI bundles 97140 into CMT 98940-98942; payers pay it only for a different "
        "anatomic region, billed with 59/XS and linked to that region's diagnosis. "
        "Kernel rule CLM203 checks the modifier; this rule checks the region: the "
        "line must point at a diagnosis whose region (from M99.0- or a code naming a "
        "region, such as M54.2 cervical) was not manipulated. When no pointed "
        "diagnosis names a region it is a warning. All payers, all dates."
    ),
    example=("98940 for M99.03 (lumbar) and 97140-XS also pointing at M99.03/M62.830."),
    fix=(
        "Point 97140 at the diagnosis of the other region treated (M99.01/M54.2, "
        "cervical) with 59/XS, or drop the line."
    ),
    reference=(
        "NCCI Policy Manual for Medicare Services ch. 11 (CMT and same-day physical "
        "medicine are separately reportable only for a different anatomic region, "
        "with modifier 59 or XS); NCCI procedure-to-procedure edits"
    ),
    check=check_manual_therapy_region,
    groups=("chiropractic", "ncci"),
    options=ManualTherapyRegionOptions,
    example_claim=_claim(
        payer="commercial",
        lines=[
            {"procedure": "98940", "diagnosis_pointers": [1, 2]},
            {"procedure": "97140", "modifiers": ["XS"], "diagnosis_pointers": [1, 2]},
        ],
    ),
)
