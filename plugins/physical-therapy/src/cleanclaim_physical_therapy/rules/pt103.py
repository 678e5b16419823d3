"""PT103 (timed-units-minutes): Units of timed (15-minute) therapy codes that the
documented minutes do not support: Medicare's 8-minute rule over the total timed minutes
of the visit, or a per-code count for payers that use it.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from pydantic import Field

from cleanclaim_physical_therapy import policy
from cleanclaim_physical_therapy.rules.common import (
    NOT_FOR,
    _example,
    _label,
    units_for,
)


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
