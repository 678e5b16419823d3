"""The urology rules: each rule's options model (if any), its check and its `Rule`,
side by side, one section a rule (one module a rule once this file passes a few hundred
lines, as the other bundled plugins do).

Each check reads the claim through :class:`~cleanclaim.context.ClaimContext` and the
plugin's data (:mod:`cleanclaim_urology.policy`); the policy itself (which codes are
add-ons, when a code existed, how often it may be billed) lives in ``data/*.toml``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Literal, get_args

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import NoOptions, RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_urology import policy

Window = Literal["rolling", "calendar-year"]
WINDOWS: tuple[str, ...] = get_args(Window)


def _named(ctx: ClaimContext, code: str) -> str:
    label = ctx.label(code)
    return f"{code} ({label})" if label else code


# -- URO101 -------------------------------------------------------------------------------


def addon_without_primary(ctx: ClaimContext, options: NoOptions) -> Iterator[Hit]:
    """An add-on code of this plugin billed on a claim that bills none of its primaries."""
    own = policy.own_codes()
    billed = ctx.procedure_codes
    for index, line in enumerate(ctx.lines):
        code = line.procedure
        if code not in own:
            continue
        procedure = ctx.procedure(code)
        if procedure is None or not procedure.primary_codes:
            continue
        if billed.intersection(procedure.primary_codes):
            continue
        primaries = procedure.primary_codes
        wanted = " or ".join(_named(ctx, p) for p in primaries)
        yield Hit(
            message=(
                f"{_named(ctx, code)} is an add-on code and is billed without its primary "
                f"code: bill {wanted} on the same claim, or drop the add-on line."
            ),
            location=f"lines[{index}]",
            codes=(code,),
            suggestions=primaries,
            reference=procedure.citation or None,
        )


URO101 = Rule(
    id="URO101",
    scope=Scope(procedures=frozenset({"add-on"})),
    name="addon-without-primary",
    summary="A pelvic floor add-on code (such as 90913, each further 15 minutes of pelvic "
    "floor biofeedback) is billed on a claim that bills none of its primary codes.",
    why="An add-on code describes extra time or work on top of a primary service and is "
    "never paid alone: a payer denies the add-on line when its primary (90912 for 90913) "
    "is not on the claim for the same date.",
    example="90913 billed alone for a patient with stress incontinence (N39.3).",
    fix="Bill the primary code (90912 for the first 15 minutes) on the same claim and keep "
    "the add-on for the further 15-minute blocks; if only the first block was furnished, "
    "bill 90912 alone.",
    reference="CPT add-on code convention: an add-on code is reported only with its "
    "primary code on the same date",
    check=addon_without_primary,
    default_severity="error",
    groups=("urology", "add-on"),
    example_claim={
        "date_of_service": "2026-05-12",
        "payer": "commercial",
        "diagnoses": ["N39.3"],
        "lines": [{"procedure": "90913", "units": 1, "diagnosis_pointers": [1]}],
    },
)


# -- URO102 -------------------------------------------------------------------------------


def code_outside_dates(ctx: ClaimContext, options: NoOptions) -> Iterator[Hit]:
    """A code billed on a date before it existed or after it was deleted."""
    table = policy.code_dates()
    day = ctx.day
    for index, line in enumerate(ctx.lines):
        records = table.get(line.procedure)
        if not records or any(r.holds_on(day) for r in records):
            continue
        ended = [r for r in records if r.effective_to is not None and day > r.effective_to]
        record = max(ended, key=lambda r: r.effective_to or day) if ended else records[0]
        suggestions = tuple(
            code
            for code in record.replaced_by
            if code not in table or any(r.holds_on(day) for r in table[code])
        )
        if record in ended:
            when = f"was deleted after {record.effective_to}"
        else:
            when = f"does not exist before {record.effective_from}"
        fix = (
            "for this date of service bill " + ", ".join(_named(ctx, c) for c in suggestions)
            if suggestions
            else "bill the code in force on that date"
        )
        note = f" ({record.note})" if record.note else ""
        yield Hit(
            message=(
                f"{_named(ctx, line.procedure)} {when}, so it is not valid on "
                f"{day.isoformat()}: {fix}."
            ),
            location=f"lines[{index}]",
            codes=(line.procedure,),
            suggestions=suggestions,
            reference=f"{record.citation}{note}",
        )


URO102 = Rule(
    id="URO102",
    scope=Scope(procedures=frozenset(policy.code_dates())),
    name="procedure-outside-its-dates",
    summary="A procedure code billed on a date of service when it did not exist: 90911 "
    "after its deletion (replaced by 90912 and +90913), or 90912/90913 before they began.",
    why="A payer edits procedure codes against the code set in force on the date of "
    "service; a deleted code (or one not yet effective) is rejected as invalid.",
    example="90911 billed for a date of service in 2026; it was replaced by 90912 and "
    "90913 in CPT 2020.",
    fix="Bill the code in force on the date of service: 90912 for the first 15 minutes of "
    "pelvic floor biofeedback and 90913 for each further 15 minutes (from 2020-01-01), "
    "90911 before that date.",
    reference="CPT 2020 code set (90912 and +90913 replaced 90911); the year was read in "
    "secondary reports and not confirmed against the AMA's CPT 2020 changes",
    check=code_outside_dates,
    default_severity="error",
    groups=("urology", "code-validity"),
    example_claim={
        "date_of_service": "2026-05-12",
        "diagnoses": ["N39.3"],
        "lines": [{"procedure": "90911", "units": 1, "diagnosis_pointers": [1]}],
    },
)


# -- URO103 -------------------------------------------------------------------------------


def window_start(day: date, window: str, window_days: int) -> date:
    """First date of the window that ends on ``day`` (inclusive on both ends)."""
    if window == "calendar-year":
        return date(day.year, 1, 1)
    if window == "rolling":
        if window_days < 1:
            raise ValueError(f"URO103 option window_days must be at least 1, not {window_days}")
        return day - timedelta(days=window_days - 1)
    raise ValueError(f"URO103 option window must be one of {', '.join(WINDOWS)}, not {window!r}")


class FrequencyOptions(RuleOptions):
    """URO103's options."""

    window: Window = Field(
        "rolling",
        description="How 'a year' is counted: 'rolling' (the date of service and the "
        "window_days - 1 days before it, the default) or 'calendar-year' (January 1 of the "
        "year of the date of service through the date of service). The LCD text does not say "
        "which; 'rolling' is the stricter reading.",
    )
    window_days: int = Field(
        365,
        ge=1,
        description="Length of the rolling window in days (default 365). Ignored for "
        "'calendar-year'.",
    )
    limits: Mapping[str, int] = Field(
        default_factory=dict,
        description="Replace the data file's limit for some codes: a table of code -> most "
        'dates of service in the window, e.g. {"90912" = 6}.',
    )


def frequency_limits(ctx: ClaimContext, options: FrequencyOptions) -> Iterator[Hit]:
    """A code billed on more dates in the window than its frequency limit allows."""
    table = policy.frequency_limits()
    window = options.window
    window_days = options.window_days
    replaced = options.limits
    day = ctx.day
    start = window_start(day, window, window_days)
    span = (
        f"calendar year {day.year}"
        if window == "calendar-year"
        else f"the {window_days} days ending {day.isoformat()}"
    )
    history = ctx.claim.service_history
    reported: set[str] = set()
    for index, line in enumerate(ctx.lines):
        code = line.procedure
        if code in reported:
            continue
        limits = [lim for lim in table.get(code, ()) if lim.applies(day, ctx.payer, ctx.profile)]
        if not limits:
            continue
        limit = limits[0]
        allowed = int(replaced.get(code, limit.max_dates))
        dates = {day} | {
            prior.date_of_service
            for prior in history
            if prior.procedure == code and start <= prior.date_of_service <= day
        }
        if len(dates) <= allowed:
            continue
        reported.add(code)
        listed = ", ".join(d.isoformat() for d in sorted(dates))
        times = "once" if allowed == 1 else f"{allowed} times"
        yield Hit(
            message=(
                f"{_named(ctx, code)} is billed on {len(dates)} dates in {span} "
                f"({listed}); the payer's policy allows it {times} in that window. "
                "Check the service history, and document why a repeat is needed."
            ),
            location=f"lines[{index}]",
            codes=(code,),
            reference=limit.citation,
        )


URO103 = Rule(
    id="URO103",
    scope=Scope(procedures=frozenset(policy.frequency_limits())),
    name="frequency-limit",
    summary="A pelvic floor test or biofeedback code billed on more dates in a year than the "
    "contractor's utilization limit allows, counting this claim and the claim's "
    "service_history (sphincter EMG 51784/51785 and anorectal manometry 91122 about once "
    "a year; biofeedback 90901/90912/90913 up to 4 times a year).",
    why="Novitas's LCD L34977 treats sphincter EMG and anorectal manometry as part of the "
    "initial diagnostic work-up and caps biofeedback sessions; services beyond the limit "
    "are denied unless the record shows why a repeat is needed.",
    example="51784 billed on 2026-05-12 for a Medicare patient whose service history shows "
    "51784 on 2025-09-01.",
    fix="Check the patient's history before billing a repeat; if the repeat is needed, "
    "document why (new symptoms, a change in treatment) and expect a medical review.",
    reference="Novitas LCD L34977 billing and coding article (utilization guidelines); "
    "read in a secondary copy, not confirmed on the Medicare Coverage Database",
    check=frequency_limits,
    default_severity="warning",
    enabled_by_default=False,
    groups=("urology", "frequency"),
    options=FrequencyOptions,
    example_claim={
        "date_of_service": "2026-05-12",
        "payer": "medicare",
        "diagnoses": ["N39.3"],
        "lines": [{"procedure": "51784", "units": 1, "diagnosis_pointers": [1]}],
        "service_history": [{"procedure": "51784", "date_of_service": "2025-09-01"}],
    },
)


RULES: tuple[Rule, ...] = (URO101, URO102, URO103)
