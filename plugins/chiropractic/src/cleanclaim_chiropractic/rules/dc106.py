"""DC106 (medicare-at-with-ga): A Medicare spinal CMT line carrying both AT and GA.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_chiropractic.regions import (
    spinal_cmt_lines,
)
from cleanclaim_chiropractic.rules.common import (
    _DEFAULTS,
    MEDICARE_ONLY,
    _claim,
)


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


DC106 = Rule(
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
        lines=[{"procedure": "98940", "modifiers": ["AT", "GA"], "diagnosis_pointers": [1, 2]}]
    ),
)
