"""The chiropractic rules: catalog text and small check functions.

Default options come from ``data/policy.toml``; which payers a rule applies to, and from
which date, comes from ``data/payer_overrides.toml``.  The Medicare rules are off by
default (``enabled_by_default=False``) and switched on by a ``medicare`` override.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cache, cached_property
from typing import Any

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.models import Severity, normalize_specialty
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim.rulekit import read_data
from cleanclaim_chiropractic.regions import (
    PACKAGE,
    LineRegions,
    RegionSource,
    covered,
    extra_from_option,
    line_regions,
    spinal_cmt_lines,
    tables,
)

MEDICARE_ONLY = (
    "Off by default; the plugin's `medicare` payer override switches it on "
    "(and its `commercial` override keeps it off)."
)


@cache
def policy() -> dict[str, dict[str, Any]]:
    """Default options per rule id, from ``data/policy.toml``."""
    return read_data(PACKAGE, "data/policy.toml")


#: the options' defaults, by rule id: data with its sources, read once at import.
_DEFAULTS = policy()


def _codes(ctx: ClaimContext, lines: Sequence[int]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ctx.lines[i].procedure for i in lines))


def _region_list(regions: Sequence[str]) -> str:
    return ", ".join(regions) if regions else "none"


# --------------------------------------------------------------------------- DC101


class SubluxationFirstOptions(RuleOptions):
    """DC101's options (defaults from ``data/policy.toml``, with their sources)."""

    primary_diagnoses: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC101"]["primary_diagnoses"]),
        description=(
            "Diagnosis patterns accepted first-listed (codes, `code-` or ranges). "
            "Default M99.00-M99.05 (the range Medicare claim edits accept; it "
            "includes M99.00, head region, which is not a CPT spinal region)."
        ),
    )


def check_subluxation_first(ctx: ClaimContext, options: SubluxationFirstOptions) -> Iterator[Hit]:
    """Medicare CMT: the first-listed diagnosis must be a subluxation (M99.00-M99.05)."""
    cmt = spinal_cmt_lines(ctx)
    if not cmt:
        return
    allowed = options.primary_diagnoses
    first = ctx.diagnoses[0]
    if covered(first, allowed):
        return
    elsewhere = tuple(code for code in ctx.diagnoses[1:] if covered(code, allowed))
    codes = _codes(ctx, cmt)
    fix = (
        f"list {elsewhere[0]} first"
        if elsewhere
        else "add the subluxation code of the region manipulated and list it first"
    )
    yield Hit(
        message=(
            f"Medicare pays spinal manipulation ({', '.join(codes)}) only with a subluxation "
            f"({', '.join(allowed)}) as the first-listed diagnosis, but {first} is first: {fix}."
        ),
        location="diagnoses[0]",
        codes=(*codes, first),
        suggestions=elsewhere,
    )


# --------------------------------------------------------------------------- DC102


class SupportingDiagnosisOptions(RuleOptions):
    """DC102's options (defaults from ``data/policy.toml``, with their sources)."""

    supporting_diagnoses: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC102"]["supporting_diagnoses"]),
        description=(
            "Diagnosis patterns that count as a supporting neuromusculoskeletal "
            "condition. Default: M40-M54, M60-M63, M79, G54 and "
            "neck/thorax/back/pelvis sprains and strains (S13, S16, S23, S29, S33, "
            "S39); put your MAC's list here."
        ),
    )


def check_supporting_diagnosis(
    ctx: ClaimContext, options: SupportingDiagnosisOptions
) -> Iterator[Hit]:
    """Medicare CMT: a neuromusculoskeletal condition must support the subluxation."""
    cmt = spinal_cmt_lines(ctx)
    if not cmt:
        return
    t = tables()
    supporting = options.supporting_diagnoses
    for code in ctx.diagnoses:
        if not t.is_subluxation(code) and covered(code, supporting):
            return
    codes = _codes(ctx, cmt)
    yield Hit(
        message=(
            f"Spinal manipulation ({', '.join(codes)}) to Medicare lists no neuromusculoskeletal "
            "condition besides the subluxation: add, after the M99.0- code, the condition the "
            "manipulation treats (for example M62.830, M54.50 or S39.012A)."
        ),
        location="diagnoses",
        codes=(*codes, *ctx.diagnoses),
    )


# --------------------------------------------------------------------------- DC103


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


# --------------------------------------------------------------------------- DC104


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


# --------------------------------------------------------------------------- DC105


class CmtModifierOptions(RuleOptions):
    """DC105's options (defaults from ``data/policy.toml``, with their sources)."""

    required_modifiers: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC105"]["required_modifiers"]),
        description=("At least one of these must be on each spinal CMT line."),
    )


def check_cmt_modifier(ctx: ClaimContext, options: CmtModifierOptions) -> Iterator[Hit]:
    """Medicare CMT needs AT (active care), GA (maintenance with an ABN) or GZ."""
    required = options.required_modifiers
    for index in spinal_cmt_lines(ctx):
        if ctx.line_modifiers[index] & set(required):
            continue
        procedure = ctx.lines[index].procedure
        yield Hit(
            message=(
                f"{procedure} to Medicare carries none of {', '.join(required)} and will be "
                "denied as not medically necessary: add AT for active/corrective care, GA for "
                "maintenance care with an ABN on file, or GZ when no ABN was given."
            ),
            location=f"lines[{index}].modifiers",
            codes=(procedure,),
            suggestions=required,
        )


# --------------------------------------------------------------------------- DC106


class AtWithGaOptions(RuleOptions):
    """DC106's options (defaults from ``data/policy.toml``, with their sources)."""

    conflicting_modifiers: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC106"]["conflicting_modifiers"]),
        description=("Modifiers that may not all be on one CMT line."),
    )


def check_at_with_ga(ctx: ClaimContext, options: AtWithGaOptions) -> Iterator[Hit]:
    """Medicare CMT: AT and GA on the same line are rejected (DOS from 2015-11-01)."""
    conflicting = frozenset(options.conflicting_modifiers)
    if len(conflicting) < 2:
        return
    for index in spinal_cmt_lines(ctx):
        if not conflicting <= ctx.line_modifiers[index]:
            continue
        procedure = ctx.lines[index].procedure
        yield Hit(
            message=(
                f"{procedure} carries both {' and '.join(sorted(conflicting))}, which Medicare "
                "rejects: keep AT for active care (an ABN cannot accompany it) or GA alone for "
                "maintenance care with an ABN."
            ),
            location=f"lines[{index}].modifiers",
            codes=(procedure,),
            suggestions=tuple(sorted(conflicting)),
        )


# --------------------------------------------------------------------------- DC107


#: the therapy discipline modifiers (physical, occupational, speech-language therapy).
THERAPY_MODIFIERS = frozenset({"GP", "GO", "GN"})
THERAPY_MODIFIER_REFERENCE = (
    "Medicare Claims Processing Manual (Pub 100-04) ch. 5 §20.1 (GP/GO/GN: services under "
    "a therapy plan of care); Pub 100-02 ch. 15 §240.1.1 (a chiropractor is paid for manual "
    "manipulation of the spine only)"
)


class NoncoveredGyOptions(RuleOptions):
    """DC107's options (defaults from ``data/policy.toml``, with their sources)."""

    covered_procedures: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC107"]["covered_procedures"]),
        description=("Codes Medicare pays a chiropractor for (no GY needed)."),
    )
    noncovered_procedures: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC107"]["noncovered_procedures"]),
        description=("Codes that need GY when the specialty is chiropractic or not given."),
    )
    specialties: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC107"]["specialties"]),
        description=("Claim specialties that mean the biller is a chiropractor."),
    )
    modifier: str = Field(
        _DEFAULTS["DC107"]["modifier"],
        description=("The modifier expected on non-covered lines (GY)."),
    )

    # What the check compares against, as sets: computed once per options object.
    @cached_property
    def covered(self) -> frozenset[str]:
        return frozenset(self.covered_procedures)

    @cached_property
    def noncovered(self) -> frozenset[str]:
        return frozenset(self.noncovered_procedures)

    @cached_property
    def billed_by(self) -> frozenset[str]:
        return frozenset(normalize_specialty(x) for x in self.specialties)


def check_noncovered_gy(ctx: ClaimContext, options: NoncoveredGyOptions) -> Iterator[Hit]:
    """Medicare: services a chiropractor bills other than spinal CMT need GY."""
    modifier, covered_codes = options.modifier, options.covered
    noncovered, specialties = options.noncovered, options.billed_by
    specialty = ctx.specialty  # the claim's, or inferred from its CMT codes
    by_chiropractor = specialty in specialties
    inferred = by_chiropractor and not ctx.claim.specialty
    for index, line in enumerate(ctx.lines):
        code = line.procedure
        therapy = sorted(ctx.line_modifiers[index] & THERAPY_MODIFIERS)
        if by_chiropractor and therapy:
            # GP/GO/GN say "furnished under a therapy plan of care", which a chiropractor
            # cannot establish: it contradicts GY, so the claim must not pass with both.
            yield Hit(
                message=(
                    f"{code} carries {', '.join(therapy)}, which marks a service furnished "
                    "under a physical, occupational or speech therapy plan of care; a "
                    f"chiropractor's claim has none: remove {', '.join(therapy)}"
                    + (f" and keep {modifier}." if code not in covered_codes else ".")
                ),
                location=f"lines[{index}].modifiers",
                codes=(code, *therapy),
                suggestions=(modifier,) if code not in covered_codes else (),
                reference=THERAPY_MODIFIER_REFERENCE,
                severity="warning",
            )
        if modifier in ctx.line_modifiers[index]:
            continue
        guessed: Severity | None = None
        if code in noncovered and (specialty is None or by_chiropractor):
            why = "is not a Medicare benefit when a chiropractor bills it"
        elif by_chiropractor and code not in covered_codes:
            why = "is not payable by Medicare to a chiropractor (only spinal manipulation is)"
            if inferred:
                # the claim gives no specialty; its CMT lines make it look like a
                # chiropractor's, which is likely, not certain: a warning.
                why = (
                    "is not payable by Medicare to a chiropractor, and this claim bills "
                    "chiropractic manipulation with no specialty given"
                )
                guessed = "warning"
        else:
            continue
        yield Hit(
            message=(
                f"{code} {why}: add {modifier} so it is processed as a non-covered service "
                f"(with GX too when a voluntary ABN was given)."
            ),
            severity=guessed,
            location=f"lines[{index}].modifiers",
            codes=(code,),
            suggestions=(modifier,),
        )


# --------------------------------------------------------------------------- DC108


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


# --------------------------------------------------------------------------- catalog


def _claim(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "claim_id": "DC-EXAMPLE",
        "date_of_service": "2026-05-12",
        "payer": "medicare",
        "specialty": "chiropractic",
        "diagnoses": ["M99.03", "M62.830"],
        "lines": [{"procedure": "98940", "modifiers": ["AT"], "diagnosis_pointers": [1, 2]}],
        "documentation": {"spinal_regions": ["lumbar"]},
    }
    base.update(fields)
    return base


def build_rules() -> list[Rule]:
    """Every rule of the plugin (called once by the ``cleanclaim_rules`` hook)."""
    return [
        Rule(
            id="DC101",
            scope=Scope(procedures=frozenset({"cmt"})),
            name="medicare-subluxation-first",
            summary=(
                "Spinal CMT (98940-98942) billed to Medicare whose first-listed diagnosis is "
                "not a subluxation code (M99.00-M99.05 by default)."
            ),
            why=(
                "Medicare pays a chiropractor only for manipulation of the spine to correct a "
                "subluxation, and claims are edited on the first-listed diagnosis: Medicare "
                "Part B claims with 98940-98942 are rejected unless the first diagnosis is "
                "in M99.00-M99.05. MAC lists vary, hence the option. Holds from 2015-10-01 "
                "(ICD-10-CM). " + MEDICARE_ONLY
            ),
            example="diagnoses [M62.830, M99.03], line 98940-AT to Medicare.",
            fix="List the subluxation code of the region manipulated first: [M99.03, M62.830].",
            reference=(
                "Medicare Benefit Policy Manual (Pub 100-02) ch. 15 §240.1.2-240.1.4 (the "
                "subluxation as the primary diagnosis); MAC chiropractic LCDs"
            ),
            check=check_subluxation_first,
            enabled_by_default=False,
            groups=("chiropractic", "medicare"),
            options=SubluxationFirstOptions,
            example_claim=_claim(diagnoses=["M62.830", "M99.03"]),
        ),
        Rule(
            id="DC102",
            scope=Scope(procedures=frozenset({"cmt"})),
            name="medicare-supporting-diagnosis",
            summary=(
                "Spinal CMT billed to Medicare with no neuromusculoskeletal diagnosis besides "
                "the subluxation code."
            ),
            why=(
                "The MAC chiropractic policies want the subluxation first and then the "
                "neuromusculoskeletal condition the manipulation treats (§240.1.3: a "
                "significant health problem with a direct therapeutic relationship to the "
                "manipulation). Which conditions count varies by MAC, so this is a warning "
                "with a configurable list. Holds from 2015-10-01. " + MEDICARE_ONLY
            ),
            example="diagnoses [M99.03] only, line 98940-AT to Medicare.",
            fix="Add the condition treated after the subluxation: [M99.03, M62.830].",
            reference=(
                "Medicare Benefit Policy Manual (Pub 100-02) ch. 15 §240.1.3; MAC chiropractic "
                "LCDs such as L37254 (secondary diagnosis tables)"
            ),
            check=check_supporting_diagnosis,
            default_severity="warning",
            enabled_by_default=False,
            groups=("chiropractic", "medicare"),
            options=SupportingDiagnosisOptions,
            example_claim=_claim(
                diagnoses=["M99.03"],
                lines=[{"procedure": "98940", "modifiers": ["AT"], "diagnosis_pointers": [1]}],
            ),
        ),
        Rule(
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
                "when some secondary diagnosis names a region. Holds from 2015-10-01. "
                + MEDICARE_ONLY
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
        ),
        Rule(
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
        ),
        Rule(
            id="DC105",
            scope=Scope(procedures=frozenset({"cmt"})),
            name="medicare-cmt-modifier",
            summary="Spinal CMT to Medicare without AT, GA or GZ.",
            why=(
                "NGS: CMT billed with no modifier is denied as not medically necessary. AT "
                "marks active/corrective care (required since 2004-10-01 per ACA), GA "
                "maintenance care with a mandatory ABN, GZ an expected denial with no ABN. "
                "Holds from 2004-10-01. " + MEDICARE_ONLY
            ),
            example="line 98941 with no modifier to Medicare.",
            fix="Add AT for active care (or GA / GZ as the care and the ABN warrant).",
            reference=(
                "NGS Medicare 'Chiropractic Services', Modifiers; Medicare Claims Processing "
                "Manual (Pub 100-04) ch. 12 §220 (AT for active treatment)"
            ),
            check=check_cmt_modifier,
            enabled_by_default=False,
            groups=("chiropractic", "medicare", "modifiers"),
            options=CmtModifierOptions,
            example_claim=_claim(
                lines=[{"procedure": "98940", "modifiers": [], "diagnosis_pointers": [1, 2]}]
            ),
        ),
        Rule(
            id="DC106",
            scope=Scope(procedures=frozenset({"cmt"})),
            name="medicare-at-with-ga",
            summary="A Medicare spinal CMT line carrying both AT and GA.",
            why=(
                "Palmetto GBA rejects CMT lines with both AT and GA for dates of service from "
                "2015-11-01: AT says the care is active and medically necessary, GA says an "
                "ABN was given because it is not, and an ABN cannot be issued for AT-billed "
                "services. Holds from 2015-11-01. " + MEDICARE_ONLY
            ),
            example="line 98940 with modifiers AT and GA to Medicare.",
            fix="Keep AT (active care) or GA alone (maintenance care with an ABN).",
            reference=(
                "Palmetto GBA 'Chiropractic Claims Submitted with Both the AT and GA Modifier "
                "to Reject' (2020-05-29)"
            ),
            check=check_at_with_ga,
            enabled_by_default=False,
            groups=("chiropractic", "medicare", "modifiers"),
            options=AtWithGaOptions,
            example_claim=_claim(
                lines=[
                    {"procedure": "98940", "modifiers": ["AT", "GA"], "diagnosis_pointers": [1, 2]}
                ]
            ),
        ),
        Rule(
            id="DC107",
            name="medicare-noncovered-gy",
            summary=(
                "A chiropractor's service that Medicare never pays (98943, exams, X-rays, "
                "therapies) billed without GY."
            ),
            why=(
                "Medicare pays a chiropractor only for spinal manipulation (98940-98942); "
                "extraspinal CMT 98943 and everything else a DC bills are not a benefit and "
                "take GY (plus GX with a voluntary ABN). 98943 is checked when the claim's "
                "specialty is chiropractic or absent; other codes only when it is "
                "chiropractic. All dates. " + MEDICARE_ONLY
            ),
            example="line 98943 without GY on a chiropractic claim to Medicare.",
            fix="Add GY (and GX when a voluntary ABN was given): 98943-GY.",
            reference=(
                "NGS Medicare 'Chiropractic Services'; SSA POMS HI 00610.080; Pub 100-02 Ch.15 §240"
            ),
            check=check_noncovered_gy,
            enabled_by_default=False,
            groups=("chiropractic", "medicare", "modifiers"),
            options=NoncoveredGyOptions,
            example_claim=_claim(
                diagnoses=["M99.07", "M25.511"],
                lines=[{"procedure": "98943", "modifiers": [], "diagnosis_pointers": [1, 2]}],
                documentation={},
            ),
        ),
        Rule(
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
        ),
    ]
