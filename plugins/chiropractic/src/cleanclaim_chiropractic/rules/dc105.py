"""DC105 (medicare-cmt-modifier): Spinal CMT to Medicare without AT, GA or GZ.

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


class CmtModifierOptions(RuleOptions):
    """DC105's options (defaults from ``data/policy.toml``, with their sources)."""

    required_modifiers: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC105"]["required_modifiers"]),
        description=("At least one of these must be on each spinal CMT line."),
    )


def check_cmt_modifier(ctx: ClaimContext, options: CmtModifierOptions) -> Iterator[Hit]:
    """Medicare CMT needs AT (active care), GA (maintenance with an ABN) or GZ."""
    required = options.required_modifiers  # in order: the message and suggestions
    wanted = frozenset(required)  # made once, not per line
    for index in spinal_cmt_lines(ctx):
        if ctx.line_modifiers[index] & wanted:
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


DC105 = Rule(
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
)
