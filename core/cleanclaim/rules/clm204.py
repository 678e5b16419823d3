"""CLM204: units above the medically unlikely edit for the procedure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import UnitLimit
from cleanclaim.models import Severity
from cleanclaim.ncci import bundled_mue
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim.rules.clm203 import cite

SEPARATE_LINE = frozenset({"59", "76", "77", "91", "XE", "XS", "XP", "XU", "RT", "LT"})


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    totals: dict[str, list[int]] = {}
    for index, line in enumerate(ctx.lines):
        totals.setdefault(line.procedure, []).append(index)
    for code, indexes in totals.items():
        entries = [
            e
            for e in ctx.tables.limits_for(code)
            if e.limit.applies(ctx.day, ctx.payer, ctx.profile)
        ]
        if not entries:
            continue
        entry = min(entries, key=lambda e: e.limit.max_units)
        limit = entry.limit
        stale, severity = _staleness(ctx, limit)
        if limit.adjudication == 1:
            yield from _line_edit(
                ctx,
                code,
                indexes,
                limit.max_units,
                cite(limit.citation, entry.source),
                stale,
                severity,
            )
            continue
        total = sum(ctx.lines[i].units for i in indexes)
        if total > limit.max_units:
            kind = (
                "an absolute date-of-service limit (MAI 2): splitting lines or modifiers "
                "cannot pass it"
                if limit.adjudication == 2
                else "a date-of-service limit from clinical benchmarks (MAI 3): more units "
                "are paid only on appeal with documentation"
            )
            yield Hit(
                f"{code} is billed for {total} units on one date; the limit is "
                f"{limit.max_units}, {kind}.{stale}",
                f"lines[{indexes[0]}].units",
                (code,),
                (str(limit.max_units),),
                f"NCCI MUE for {code}, MAI {limit.adjudication}; "
                f"{cite(limit.citation, entry.source)}",
                severity=severity,
            )


def _staleness(ctx: ClaimContext, limit: UnitLimit) -> tuple[str, Severity | None]:
    """For a bundled value used after the quarter it comes from: what to say, and a warning.

    The bundled values are one quarter's CMS table; a later quarter may have changed them,
    so past that quarter they cannot make an error, but they are not silently dropped.
    """
    bundle = bundled_mue()
    if not (bundle.is_bundled(limit) and bundle.stale_on(ctx.day)):
        return "", None
    return (
        f" The limit comes from the bundled CMS practitioner MUE table of {bundle.quarter}, "
        f"which ended {bundle.valid_to}; it may have changed since: configure the current "
        "official MUE file (ncci-mue) to be sure.",
        "warning",
    )


def _line_edit(
    ctx: ClaimContext,
    code: str,
    indexes: list[int],
    limit: int,
    citation: str,
    stale: str = "",
    severity: Severity | None = None,
) -> Iterator[Hit]:
    for index in indexes:
        line = ctx.lines[index]
        if line.units <= limit:
            continue
        yield Hit(
            f"{code} is billed for {line.units} units on one line; the limit per line is "
            f"{limit} (MAI 1). Units beyond it belong on a separate line with 59 or 76 only "
            f"when they were separately furnished and documented.{stale}",
            f"lines[{index}].units",
            (code,),
            (str(limit),),
            f"NCCI MUE for {code}, MAI 1; {citation}",
            severity=severity,
        )
    extra = [i for i in indexes[1:] if ctx.line_modifiers[i] & SEPARATE_LINE]
    for index in extra:
        yield Hit(
            f"{code} appears on a further line with a modifier for separately furnished units; "
            "make sure the documentation shows the separate service.",
            f"lines[{index}].modifiers",
            (code,),
            (),
            f"NCCI MUE for {code}, MAI 1; {citation}",
            severity="info",
        )


RULE = Rule(
    id="CLM204",
    name="unit-limit",
    summary="More units of a procedure on one date of service than its medically unlikely "
    "edit (MUE) allows, judged by the MUE adjudication indicator: 1 per line, 2 and 3 per "
    "date of service.",
    why="Units above the MUE are denied whatever the MAI: the claim line is denied, MAI 1 "
    "and 3 denials can be appealed with records, MAI 2 is absolute policy; so an MUE from "
    "the official file, a plugin's sourced data or the bundled CMS table of its quarter is "
    "an error. A bundled value used after its quarter is a warning that says so.",
    example="20552 billed with 2 units on one date where its MUE is 1.",
    fix="Bill the units that were furnished and documented, within the limit; for MAI 1, "
    "separately furnished units go on their own line with 59 or 76.",
    reference="CMS NCCI MUE files (quarterly practitioner services table); NCCI Policy Manual "
    "for Medicare Services ch. I (MUEs); MAC MUE program pages (e.g. Palmetto GBA 'Medically "
    "Unlikely Edits (MUE) Program': line denial, MAI 2 absolute)",
    check=check,
    scope=Scope(procedures_in_tables=("limits",)),
    groups=("claim", "ncci"),
)
