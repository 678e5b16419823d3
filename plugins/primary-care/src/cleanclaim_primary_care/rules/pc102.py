"""PC102 (one-trigger-point-code-per-day): More than one trigger point injection code
(20552, 20553) or more than one unit of one on the same date of service.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.context import ClaimContext
from cleanclaim.options import NoOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_primary_care import policy
from cleanclaim_primary_care.rules.common import (
    _join,
)


def check_one_per_day(ctx: ClaimContext, options: NoOptions) -> Iterator[Hit]:
    for group in policy.one_per_day():
        indexes = [i for i, line in enumerate(ctx.lines) if line.procedure in group.codes]
        if not indexes:
            continue
        billed = tuple(dict.fromkeys(ctx.lines[i].procedure for i in indexes))
        units = sum(ctx.lines[i].units for i in indexes)
        if len(billed) > 1:
            keep = tuple(code for code in group.codes if code in billed)
            yield Hit(
                message=(
                    f"{_join(list(billed))} are billed on the same date of service: report only "
                    f"one {group.label} code per day, however many injections were given. "
                    f"Keep {keep[0]} if the muscles injected in total call for it, else "
                    f"{_join(list(keep[1:]))}, with one unit, and remove the other line."
                ),
                location=f"lines[{indexes[1]}]",
                codes=billed,
                suggestions=keep,
                reference=group.citation,
            )
        elif units > 1:
            code = billed[0]
            where = f"lines[{indexes[1]}]" if len(indexes) > 1 else f"lines[{indexes[0]}].units"
            yield Hit(
                message=(
                    f"{code} is billed {units} times on one date of service: a {group.label} "
                    "code is reported once a day with one unit, whatever the number of "
                    "injections or sites; bill it on one line with 1 unit."
                ),
                location=where,
                codes=(code,),
                suggestions=(code,),
                reference=group.citation,
            )


PC102 = Rule(
    id="PC102",
    scope=Scope(
        procedures=frozenset(code for group in policy.one_per_day() for code in group.codes)
    ),
    name="one-trigger-point-code-per-day",
    summary=(
        "More than one trigger point injection code (20552, 20553) or more than one unit "
        "of one on the same date of service."
    ),
    why=(
        "20552 (one or two muscles) and 20553 (three or more) are chosen by the number of "
        "muscles injected that day; one code with one unit covers every injection, so a "
        "second code or unit is denied."
    ),
    example="20552 and 20553 on one claim; or 20552 with 2 units.",
    fix=(
        "Keep one line: 20553 when three or more muscles were injected in total, else "
        "20552, with 1 unit."
    ),
    reference=(
        "Harvard Pilgrim trigger point injection payment policy (consistent with the CMS "
        "LCD); Noridian JE LCD L34211 'Trigger Point Injections'"
    ),
    check=check_one_per_day,
    default_severity="error",
    groups=("primary-care", "units"),
    example_claim={
        "claim_id": "PC102-example",
        "date_of_service": "2026-05-12",
        "diagnoses": ["M79.18"],
        "lines": [
            {"procedure": "20552", "diagnosis_pointers": [1]},
            {"procedure": "20553", "diagnosis_pointers": [1]},
        ],
    },
)
