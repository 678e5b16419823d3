"""PT104 (therapy-kx-threshold): A PT (or SLP) line without KX when the patient's therapy
year to date (Claim.therapy_year_to_date, plus this claim's line charges in claim order)
is above the calendar year's KX threshold.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from pydantic import Field

from cleanclaim_physical_therapy import policy
from cleanclaim_physical_therapy.rules.common import (
    ALWAYS_THERAPY,
    NOT_FOR,
    _example,
    _is_pt_line,
    _money,
)


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
        amount, source = known.amount, known.citation
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
