"""The physical-therapy rules PT101-PT107: catalog text and small check functions.

Policy (which codes are timed, the KX amounts, which payer needs what and from when) is
data in ``data/*.toml``; the functions here only apply it to one claim.  Payer scope is
set by payer overrides (``data/payer_overrides.toml``), never by comparing payer ids here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import DiagnosisPattern
from cleanclaim.options import NoOptions, RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim.rulekit import documentation_rule
from pydantic import Field, field_validator

from cleanclaim_physical_therapy import policy

#: specialties on whose claims the therapy-billing rules never speak: a chiropractor bills
#: no therapy plan of care (Medicare does not cover a chiropractor's therapy, DC107 asks
#: for GY instead of GP), is not subject to the therapy KX threshold and has no PTA.
NOT_FOR = frozenset({"chiropractic"})

ALWAYS_THERAPY = "always-therapy"
DISCIPLINE_MODIFIERS = ("GP", "GO", "GN")
OTHER_DISCIPLINES = frozenset({"GO", "GN"})
INJURY_CHAPTER = DiagnosisPattern.parse("S00-T88")

#: Complete documentation for the example claims, so each example shows only its own rule.
_EXAMPLE_DOCUMENTATION: dict[str, Any] = {
    "site": "lumbar",
    "onset": "acute",
    "trauma": False,
    "objective_findings": ["palpable paraspinal muscle guarding L3-L5"],
    "treatment_rationale": "therapeutic exercise to restore lumbar range of motion",
}

#: The line of the example claims: 97110 with GP, 2 units for 30 minutes.
_EXAMPLE_LINE: dict[str, Any] = {
    "procedure": "97110",
    "modifiers": ["GP"],
    "units": 2,
    "minutes": 30,
    "diagnosis_pointers": [1],
}


def _example(
    line: dict[str, Any] | None = None,
    documentation: dict[str, Any] = _EXAMPLE_DOCUMENTATION,
    **claim: Any,
) -> dict[str, Any]:
    """A clean Medicare therapy claim for M62.830, changed only where an example shows its
    rule (a line field set to None is left out)."""
    merged = {**_EXAMPLE_LINE, **(line or {})}
    return {
        "date_of_service": "2026-05-12",
        "payer": "medicare",
        "diagnoses": ["M62.830"],
        "lines": [{k: v for k, v in merged.items() if v is not None}],
        "documentation": documentation,
        **claim,
    }


# --------------------------------------------------------------------------- helpers


def units_for(minutes: int, unit: int = 15) -> int:
    """Units that ``minutes`` earn with the 8-minute breakpoints (8-22 -> 1, 23-37 -> 2...).

    A unit counts once more than half of it was furnished: 8 of 15 minutes.
    """
    full, rest = divmod(minutes, unit)
    return full + (1 if rest * 2 > unit else 0)


def _label(ctx: ClaimContext, code: str) -> str:
    label = ctx.label(code)
    return f"{code} ({label})" if label else code


def _is_pt_line(ctx: ClaimContext, index: int) -> bool:
    """An always-therapy line not marked for another discipline's plan of care only."""
    mods = ctx.line_modifiers[index]
    return "GP" in mods or not (mods & OTHER_DISCIPLINES)


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}".replace(".00", "")


# --------------------------------------------------------------------------- PT101


class DisciplineOptions(RuleOptions):
    """PT101's options."""

    modifiers: tuple[str, ...] = Field(
        tuple(DISCIPLINE_MODIFIERS),
        description="The discipline modifiers that satisfy the rule (default GP, GO, GN).",
    )
    suggest: str = Field(
        "GP", description="The modifier suggested when none is present (default GP)."
    )
    skip_with_modifiers: tuple[str, ...] = Field(
        ("GY",),
        description="Lines carrying any of these are not checked (default GY: a "
        "service billed as not a Medicare benefit, e.g. 97140 by a chiropractor, is denied "
        "whatever its discipline modifier; the tool's choice, not CMS text).",
    )


def check_discipline_modifier(ctx: ClaimContext, options: DisciplineOptions) -> Iterator[Hit]:
    accepted = {m.upper() for m in options.modifiers}
    suggest = options.suggest.upper()
    exempt = {m.upper() for m in options.skip_with_modifiers}
    for index in ctx.lines_tagged(ALWAYS_THERAPY):
        if exempt & ctx.line_modifiers[index]:
            continue
        code = ctx.lines[index].procedure
        present = sorted(accepted & ctx.line_modifiers[index])
        if not present:
            yield Hit(
                f"{_label(ctx, code)} is an always-therapy code and has no discipline modifier: "
                f"add {suggest} for a physical therapy plan of care (GO occupational, GN "
                "speech-language therapy).",
                f"lines[{index}].modifiers",
                (code,),
                (suggest,),
            )
        elif len(present) > 1:
            yield Hit(
                f"{_label(ctx, code)} carries more than one discipline modifier "
                f"({', '.join(present)}): keep only the one of the plan of care it was "
                "furnished under.",
                f"lines[{index}].modifiers",
                (code,),
                (suggest,) if suggest in present else tuple(present),
            )


PT101 = Rule(
    id="PT101",
    excluded_specialties=NOT_FOR,
    scope=Scope(procedures=frozenset({ALWAYS_THERAPY})),
    name="therapy-discipline-modifier",
    summary="An always-therapy code (therapeutic exercise, manual therapy, PT evaluation, "
    "modalities...) billed to Medicare without a GP/GO/GN discipline modifier, or with more "
    "than one.  Medicare only, dates of service from 2018-01-01.",
    why="Since 2018-01-01 Medicare edits every always-therapy line, whoever bills it, for the "
    "modifier of the plan of care it was furnished under (CR 10176); a line without one is "
    "returned unpaid.",
    example="Medicare, 2026-05-12: 97110 x2 with no modifier.",
    fix="Add GP to services under a physical therapy plan of care (GO for occupational "
    "therapy, GN for speech-language pathology), one discipline modifier per line.",
    reference="CMS CR 10176 / Transmittal 3814 'Updated Editing of Always Therapy Services' "
    "(effective 2018-01-01); WPS 'Outpatient Therapy Code Modifiers'",
    check=check_discipline_modifier,
    enabled_by_default=False,
    groups=("therapy", "modifiers"),
    options=DisciplineOptions,
    example_claim=_example(line={"modifiers": None}),
)

# --------------------------------------------------------------------------- PT102


class AssistantOptions(RuleOptions):
    """PT102's options."""

    modifier: str = Field("CQ", description="The assistant modifier required (default CQ).")
    de_minimis_percent: int | float = Field(
        10,
        ge=0,
        description="An assistant share of the line's minutes at or below this "
        "percentage needs no modifier (default 10).",
    )
    reduced_payment_from: str | None = Field(
        "2022-01-01",
        description="From this date of service the message notes the 85% payment "
        "of CQ lines (default 2022-01-01); null to leave it out.",
    )

    @field_validator("reduced_payment_from")
    @classmethod
    def _a_date(cls, value: str | None) -> str | None:
        if value is not None:
            date.fromisoformat(value)  # a ValueError names the bad date at build
        return value


def check_assistant_modifier(ctx: ClaimContext, options: AssistantOptions) -> Iterator[Hit]:
    modifier = options.modifier.upper()
    percent = Decimal(str(options.de_minimis_percent))
    reduced_from = options.reduced_payment_from
    reduced = reduced_from is not None and ctx.day >= date.fromisoformat(reduced_from)
    payment = " (lines with CQ are paid at 85% of the fee schedule)" if reduced else ""
    for index in ctx.lines_tagged(ALWAYS_THERAPY):
        if modifier in ctx.line_modifiers[index] or not _is_pt_line(ctx, index):
            continue
        line = ctx.lines[index]
        code = line.procedure
        share = line.assistant_minutes
        if share is not None and line.minutes:
            if share * 100 <= percent * line.minutes:
                continue
            how = f"{share} of its {line.minutes} minutes, more than the {percent}% de minimis"
        elif line.furnished_by == "assistant":
            how = "in whole or in part"
        elif share:
            yield Hit(
                f"An assistant furnished {share} minutes of {_label(ctx, code)} but the line "
                f"has no total minutes, so the {percent}% de minimis test cannot be made: add "
                f"{modifier} if the assistant's share is more than {percent}%.",
                f"lines[{index}].modifiers",
                (code,),
                (modifier,),
                severity="info",
            )
            continue
        else:
            continue
        yield Hit(
            f"{_label(ctx, code)} was furnished by a physical therapist assistant ({how}) "
            f"and lacks {modifier}: Medicare requires it{payment}.",
            f"lines[{index}].modifiers",
            (code,),
            (modifier,),
        )


PT102 = Rule(
    id="PT102",
    scope=Scope(procedures=frozenset({ALWAYS_THERAPY})),
    name="therapy-assistant-modifier",
    summary="A physical therapy line furnished in whole or in part by a physical therapist "
    "assistant (ServiceLine.furnished_by = 'assistant', or assistant_minutes above 10% of "
    "the line's minutes) without CQ.  Medicare only, dates of service from 2020-01-01.",
    why="Medicare requires CQ on PT services an assistant furnished in whole or in part from "
    "2020-01-01, and pays them at 85% from 2022-01-01 (SSA §1834(v)); a missing CQ is an "
    "overpayment.",
    example="Medicare, 2026-05-12: 97110-GP, 30 minutes, 20 of them furnished by a PTA.",
    fix="Add CQ to the line (CQ goes with GP; CO with GO is the occupational therapy "
    "counterpart).  If the assistant's share is 10% of the minutes or less, no CQ is due.",
    reference="CMS 'Billing Examples Using CQ/CO Modifiers for Services Furnished in Whole or "
    "in Part by PTAs and OTAs'; SSA §1834(v) (BBA 2018 §53107)",
    check=check_assistant_modifier,
    enabled_by_default=False,
    groups=("therapy", "modifiers"),
    options=AssistantOptions,
    example_claim=_example(line={"furnished_by": "assistant", "assistant_minutes": 20}),
)

# --------------------------------------------------------------------------- PT103


@dataclass(slots=True)
class _Timed:
    code: str
    first_line: int
    minutes: int = 0
    units: int = 0


def _timed_services(
    ctx: ClaimContext,
) -> tuple[list[_Timed], list[int], list[int]]:
    """Timed services grouped by code, the timed lines lacking minutes, and all timed lines."""
    by_code: dict[str, _Timed] = {}
    missing: list[int] = []
    lines = ctx.lines_tagged("timed")
    for index in lines:
        line = ctx.lines[index]
        service = by_code.get(line.procedure)
        if service is None:
            service = by_code[line.procedure] = _Timed(line.procedure, index)
        service.units += line.units
        if line.minutes is None:
            missing.append(index)
        else:
            service.minutes += line.minutes
    return list(by_code.values()), missing, lines


def distribute(
    services: list[tuple[str, int]], total_units: int, unit: int = 15
) -> tuple[dict[str, int], dict[str, int]]:
    """CMS's distribution of the visit's timed units over its timed codes.

    Full units go to each code first; leftover units go, one each, to the codes with the
    most remaining minutes.  Returns the suggested units per code (ties broken by claim
    order) and the most units each code may carry when remaining minutes tie.
    """
    base = {code: minutes // unit for code, minutes in services}
    rest = {code: minutes % unit for code, minutes in services}
    extra = max(total_units - sum(base.values()), 0)
    order = sorted(services, key=lambda item: -rest[item[0]])  # stable: claim order on ties
    suggested = dict(base)
    most = dict(base)
    if extra:
        cutoff = rest[order[extra - 1][0]]
        for code, _minutes in order[:extra]:
            suggested[code] += 1
        for code, _minutes in services:
            if rest[code] and rest[code] >= cutoff:
                most[code] += 1
    return suggested, most


def _spell(distribution: dict[str, int]) -> str:
    parts = [f"{code} ×{units}" for code, units in distribution.items() if units]
    return " + ".join(parts) if parts else "no timed unit"


class TimedUnitsOptions(RuleOptions):
    """PT103's options."""

    method: Literal["eight-minute", "per-code"] = Field(
        "eight-minute",
        description="'eight-minute' (Medicare: units from the total timed minutes of the visit, "
        "then distributed over the codes) or 'per-code' (each code on its own: a unit needs "
        "at least 8 of its 15 minutes).  Medicare profile: eight-minute; commercial profile: "
        "per-code (payer-overridable).",
    )
    partial_minutes: Literal["info", "ignore"] = Field(
        "info",
        description="'info' (default) reports a visit where some timed lines carry "
        "minutes and others do not; 'ignore' stays silent.  A visit where no timed line "
        "carries minutes is never reported.",
    )


def check_timed_units(ctx: ClaimContext, options: TimedUnitsOptions) -> Iterator[Hit]:
    services, missing, lines = _timed_services(ctx)
    if not services:
        return
    if missing:
        if len(missing) < len(lines) and options.partial_minutes == "info":
            where = ", ".join(f"lines[{i}]" for i in missing)
            yield Hit(
                f"Timed lines {where} carry no minutes while other timed lines do, so the units "
                "of the visit cannot be checked against its minutes: send the minutes of every "
                "timed service.",
                f"lines[{missing[0]}]",
                tuple(dict.fromkeys(ctx.lines[i].procedure for i in missing)),
                severity="info",
            )
        return
    minutes_per_unit = policy.unit_minutes()
    if options.method == "per-code":
        yield from _per_code(ctx, services, minutes_per_unit)
    else:
        fifteen = [s for s in services if minutes_per_unit.get(s.code, 15) == 15]
        yield from _eight_minute(ctx, fifteen)


def _per_code(
    ctx: ClaimContext, services: list[_Timed], minutes_per_unit: Mapping[str, int]
) -> Iterator[Hit]:
    for service in services:
        unit = minutes_per_unit.get(service.code, 15)
        allowed = units_for(service.minutes, unit)
        if service.units > allowed:
            yield Hit(
                f"{_label(ctx, service.code)} bills {service.units} unit(s) for "
                f"{service.minutes} minutes; counted code by code (a unit needs more than "
                f"half of its {unit} minutes) the minutes support {allowed}.",
                f"lines[{service.first_line}].units",
                (service.code,),
            )


def _eight_minute(ctx: ClaimContext, services: list[_Timed]) -> Iterator[Hit]:
    if not services:
        return
    total = sum(s.minutes for s in services)
    allowed = units_for(total)
    billed = sum(s.units for s in services)
    suggested, most = distribute([(s.code, s.minutes) for s in services], allowed)
    over = [s for s in services if s.units > most[s.code]]
    if billed <= allowed and not over:
        return  # the usual case: units within what the minutes support
    breakdown = ", ".join(f"{s.code} {s.minutes} min" for s in services)
    if billed > allowed:
        culprits = over or services
        yield Hit(
            f"{total} timed minutes ({breakdown}) support {allowed} unit(s) under the "
            f"8-minute rule, but the claim bills {billed}: bill {_spell(suggested)}.",
            f"lines[{culprits[0].first_line}].units",
            tuple(s.code for s in culprits),
        )
        return
    for service in over:
        yield Hit(
            f"{_label(ctx, service.code)} bills {service.units} unit(s) but its "
            f"{service.minutes} minutes earn at most {most[service.code]} when the visit's "
            f"{total} timed minutes ({breakdown}) are distributed: bill {_spell(suggested)}.",
            f"lines[{service.first_line}].units",
            (service.code,),
        )


PT103 = Rule(
    id="PT103",
    excluded_specialties=NOT_FOR,
    scope=Scope(procedures=frozenset({"timed"})),
    name="timed-units-minutes",
    summary="Units of timed (15-minute) therapy codes that the documented minutes do not "
    "support: Medicare's 8-minute rule over the total timed minutes of the visit, or a "
    "per-code count for payers that use it.  Evaluation and untimed minutes never count.",
    why="Timed codes are paid per 15-minute unit.  Medicare derives the units from the total "
    "timed minutes (8-22 -> 1, 23-37 -> 2, 38-52 -> 3...) and then distributes them over the "
    "codes; units the minutes do not support are an overpayment found on review.",
    example="97110 x3 with 20 minutes (20 minutes support 1 unit).  97110 33 minutes + "
    "97140 7 minutes = 40 minutes: 3 units, billed 97110 x2 + 97140 x1.",
    fix="Bill the units the minutes support, distributed as the finding says, or correct the "
    "minutes if the record shows more time.",
    reference="Medicare Claims Processing Manual (Pub 100-04) ch. 5 §20.2 (counting minutes "
    "for timed codes; the 8-minute rule and the distribution of units)",
    check=check_timed_units,
    groups=("therapy", "units"),
    options=TimedUnitsOptions,
    example_claim=_example(line={"units": 3, "minutes": 20}),
)

# --------------------------------------------------------------------------- PT104


class KxOptions(RuleOptions):
    """PT104's options."""

    count_claim_charges: bool = Field(
        True,
        description="Add this claim's line charges (where given) to the year to "
        "date before comparing (default true).  Charges usually exceed allowed amounts, so "
        "this errs towards asking for KX early.",
    )
    modifier: str = Field("KX", description="The attestation modifier (default KX).")
    thresholds: Mapping[str, str | int | float] = Field(
        default_factory=dict,
        description="KX thresholds by calendar year, as strings of dollars "
        '(thresholds = {"2027" = "2550"}): for a year the shipped data does not know yet, '
        "or to correct one; they take precedence over the shipped amounts.",
    )


def _configured_threshold(options: KxOptions, year: int) -> Decimal | None:
    """A threshold the user configured for ``year`` (option ``thresholds``), if any."""
    raw = options.thresholds.get(str(year))
    try:
        amount = Decimal(str(raw)) if raw is not None else None
    except ArithmeticError:
        return None
    return amount if amount is not None and amount > 0 else None


def check_kx_threshold(ctx: ClaimContext, options: KxOptions) -> Iterator[Hit]:
    accrued = ctx.claim.therapy_year_to_date
    if accrued is None:
        return
    year = ctx.day.year
    modifier = options.modifier.upper()
    known = policy.kx_threshold_on(ctx.day)
    configured = _configured_threshold(options, year)
    if configured is not None:
        amount = configured
        source = f"the {year} KX threshold configured for this engine (option thresholds)"
    elif known is not None:
        amount, source = known.amount, known.source
    else:
        yield from _unknown_year(ctx, modifier, accrued)
        return
    year_to_date = accrued
    with_charges = options.count_claim_charges
    for index in _pt_slp_lines(ctx):
        line = ctx.lines[index]
        if with_charges and line.charge is not None:
            accrued += line.charge
        if accrued <= amount or modifier in ctx.line_modifiers[index]:
            continue
        counted = "" if accrued == year_to_date else " plus this claim's charges"
        yield Hit(
            f"PT and SLP services this year reach {_money(accrued)} with {line.procedure} "
            f"(year to date {_money(year_to_date)}{counted}), above the {year} KX "
            f"threshold of {_money(amount)}: add "
            f"{modifier} if the services are medically necessary and the record shows it.",
            f"lines[{index}].modifiers",
            (line.procedure,),
            (modifier,),
            f"{source}; Social Security Act §1833(g)(7) (Bipartisan Budget Act of 2018 §50202)",
        )


def _pt_slp_lines(ctx: ClaimContext) -> list[int]:
    """Therapy lines counted against the PT and SLP threshold (OT is a separate bucket)."""
    return [
        index
        for index in ctx.lines_tagged(ALWAYS_THERAPY)
        if _is_pt_line(ctx, index) or "GN" in ctx.line_modifiers[index]
    ]


def _unknown_year(ctx: ClaimContext, modifier: str, accrued: Decimal) -> Iterator[Hit]:
    """A year the data has no threshold for: say so, never stay silent (one finding)."""
    missing = [i for i in _pt_slp_lines(ctx) if modifier not in ctx.line_modifiers[i]]
    if not missing:
        return
    year = ctx.day.year
    last = policy.last_kx_threshold_before(ctx.day)
    before = f"; the last known one is {_money(last.amount)} for {last.year}" if last else ""
    above = last is not None and accrued > last.amount
    yield Hit(
        f"No {year} KX threshold is known to this tool{before}. The patient's PT and SLP "
        f"year to date is {_money(accrued)}"
        + (
            ", above that amount: check the CY"
            f"{year} threshold and add {modifier} if it is exceeded and the services are "
            "medically necessary."
            if above
            else f": check the CY{year} threshold before billing past it."
        )
        + f' Set the amount with the PT104 option thresholds = {{"{year}" = "..."}}.',
        f"lines[{missing[0]}].modifiers",
        tuple(ctx.lines[i].procedure for i in missing),
        (modifier,) if above else (),
        f"CY{year} Medicare Physician Fee Schedule final rule (not yet in this tool's data); "
        "Social Security Act §1833(g)(7)",
        severity="warning" if above else "info",
    )


PT104 = Rule(
    id="PT104",
    excluded_specialties=NOT_FOR,
    scope=Scope(procedures=frozenset({ALWAYS_THERAPY})),
    name="therapy-kx-threshold",
    summary="A PT (or SLP) line without KX when the patient's therapy year to date "
    "(Claim.therapy_year_to_date, plus this claim's line charges in claim order) is above "
    "the calendar year's KX threshold.  Medicare only; thresholds are dated data "
    "(2021-2026 shipped, more with the option thresholds); in a year with no known "
    "threshold it says so: a warning when the year to date is above the last known one, "
    "an info otherwise.",
    why="Above the yearly threshold Medicare pays therapy only with KX, the provider's "
    "attestation that the services are medically necessary and documented (BBA 2018 "
    "§50202).  It is not the $3,000 targeted medical review threshold.",
    example="Medicare, 2025-06-01, therapy year to date $2,450 (2025 threshold $2,410): "
    "97110-GP without KX.",
    fix="Add KX when the record supports medical necessity beyond the threshold; otherwise "
    "the services are not payable (an ABN may apply).",
    reference="Social Security Act §1833(g)(7) (Bipartisan Budget Act of 2018 §50202); the "
    "yearly amounts of the CMS annual update to the per-beneficiary therapy amounts, each "
    "finding naming its year's source",
    check=check_kx_threshold,
    enabled_by_default=False,
    groups=("therapy", "modifiers"),
    options=KxOptions,
    example_claim=_example(date_of_service="2025-06-01", therapy_year_to_date="2450"),
)

# --------------------------------------------------------------------------- PT105


def check_replaced_code(ctx: ClaimContext, options: NoOptions) -> Iterator[Hit]:
    replacements = policy.replacements()
    for index, line in enumerate(ctx.lines):
        entry = replacements.get(line.procedure)
        if entry is None or not entry.holds_on(ctx.day):
            continue
        yield Hit(
            f"{_label(ctx, line.procedure)}: {entry.reason}. Bill {' or '.join(entry.use)} "
            "instead.",
            f"lines[{index}]",
            (line.procedure,),
            entry.use,
            entry.source,
        )


PT105 = Rule(
    id="PT105",
    scope=Scope(procedures=frozenset(policy.replacements())),
    name="therapy-code-not-recognised",
    summary="A therapy code the payer does not recognise although an alternative exists: "
    "97014 (unattended electrical stimulation) to Medicare, which pays G0283.  Medicare "
    "only, all dates of service (the start date is not verified).",
    why="Medicare's outpatient code editors reject 97014 as a code Medicare does not "
    "recognise; the same service is payable as G0283 within a therapy plan of care.",
    example="Medicare: 97014 x1 for unattended electrical stimulation of the lower back.",
    fix="Bill G0283 (one untimed unit per session) instead of 97014.  Commercial payers "
    "usually accept 97014.",
    reference="CMS HCPCS file (G0283, unattended electrical stimulation); Integrated "
    "Outpatient Code Editor edit 'code not recognized by Medicare, alternate code exists'",
    check=check_replaced_code,
    enabled_by_default=False,
    groups=("therapy", "codes"),
    example_claim=_example(line={"procedure": "97014", "units": 1, "minutes": None}),
)

# --------------------------------------------------------------------------- PT106

PT106 = documentation_rule(
    id="PT106",
    excluded_specialties=NOT_FOR,
    scope=Scope(procedures=frozenset({ALWAYS_THERAPY})),
    name="spasm-back-pain-documentation",
    summary="A therapy claim with muscle spasm of the back, back or neck pain, or a back or "
    "neck strain (M62.830, M54.5-, M54.2, M54.6, M54.8-, M54.9, S39.01-, S13.4-, S16.1-, "
    "S29.01-) whose documentation lacks the site, the onset, an objective finding, whether "
    "there was trauma, or a treatment rationale.  One finding per missing element.",
    why="These elements decide the code (site; traumatic strain vs non-traumatic spasm) and "
    "show that skilled therapy was reasonable and necessary; a reviewer who cannot find "
    "them denies the claim.",
    example="97110-GP for M62.830 with documentation that gives the site and onset but no "
    "objective finding, no word on trauma and no treatment rationale.",
    fix="Document the missing element, or query the provider for it, before the claim goes "
    "out; each finding says what to ask.",
    reference="ICD-10-CM Official Guidelines I.B.2, I.C.19.a; Medicare Benefit Policy Manual "
    "(Pub 100-02) ch. 15 §220.2-220.3; each finding names its own",
    default_severity="warning",
    groups=("therapy", "documentation"),
    example_claim=_example(documentation={"site": "lumbar", "onset": "acute"}),
)

# --------------------------------------------------------------------------- PT107


def check_trauma_code(ctx: ClaimContext, options: NoOptions) -> Iterator[Hit]:
    doc = ctx.documentation
    if doc.trauma is not True or not ctx.lines_tagged(ALWAYS_THERAPY):
        return
    if any(INJURY_CHAPTER.covers(code) for code in ctx.diagnoses):
        return  # an injury code is already there; integral symptoms are ICD106's business
    entry = policy.strain_site_for(doc.site, doc.spinal_regions)
    # The mechanism is free text from the note: it is never quoted (reports get stored).
    mechanism = " and describes how it happened" if doc.mechanism else ""
    for nontraumatic in policy.nontraumatic_codes():
        pattern = nontraumatic.pattern()
        for index, code in enumerate(ctx.diagnoses):
            if not pattern.covers(code):
                continue
            if entry is not None:
                advice = (
                    f"code the injury instead: {entry.strain[0]} ({entry.label}) for the "
                    f"documented site, with the 7th character of the encounter (A active "
                    "treatment, D subsequent encounter). Keep the spasm code only if the "
                    "provider documents that it is unrelated to the injury."
                )
                suggestions = entry.strain
            else:
                advice = (
                    "code the strain of the injured site instead, and document the site "
                    "(lower back S39.012-, neck S16.1-, back wall of thorax S29.012-)."
                )
                suggestions = ()
            yield Hit(
                f"The note documents trauma{mechanism}, but {code} ({nontraumatic.label}) is "
                f"a non-traumatic code: {advice}",
                f"diagnoses[{index}]",
                (code,),
                suggestions,
                nontraumatic.source,
            )


PT107 = Rule(
    id="PT107",
    excluded_specialties=NOT_FOR,
    scope=Scope(procedures=frozenset({ALWAYS_THERAPY})),
    name="trauma-on-nontraumatic-spasm",
    summary="A therapy claim codes non-traumatic muscle spasm of the back (M62.830) while "
    "the documentation says there was trauma (documentation.trauma = true) and no injury "
    "code is on the claim; suggests the strain code of the documented site (S39.012A for "
    "the lower back).",
    why="ICD-10-CM classifies muscle injured by trauma in the injury chapter by body region; "
    "M62.830 presumes no injury.  A payer that sees trauma in the record and a non-traumatic "
    "code questions both the code and who should pay (accident liability).",
    example="97110-GP for M62.830; documentation: site lumbar, trauma true, mechanism "
    "'slipped on ice and fell'.",
    fix="Code the strain of the documented site with the right 7th character (S39.012A or "
    "S39.012D for the lower back), or correct the documentation if there was no trauma.",
    reference="ICD-10-CM tabular: M62 (non-traumatic) vs S39.012/S16.1/S29.012; Official "
    "Guidelines I.C.19.a",
    check=check_trauma_code,
    default_severity="warning",
    groups=("therapy", "diagnoses"),
    example_claim=_example(
        documentation={
            **_EXAMPLE_DOCUMENTATION,
            "trauma": True,
            "mechanism": "slipped on ice and fell",
        }
    ),
)

RULES: tuple[Rule, ...] = (PT101, PT102, PT103, PT104, PT105, PT106, PT107)
