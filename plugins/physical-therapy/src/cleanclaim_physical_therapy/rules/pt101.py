"""PT101 (therapy-discipline-modifier): An always-therapy code (therapeutic exercise,
manual therapy, PT evaluation, modalities...) billed to Medicare without a GP/GO/GN
discipline modifier, or with more than one.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from pydantic import Field

from cleanclaim_physical_therapy.rules.common import (
    ALWAYS_THERAPY,
    DISCIPLINE_MODIFIERS,
    NOT_FOR,
    _example,
    _label,
)


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
