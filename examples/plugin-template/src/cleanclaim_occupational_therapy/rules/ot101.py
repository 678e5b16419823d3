"""OT101: an OT evaluation without GO, or GP/GN instead of GO on an OT claim.

One rule, one module: its options model, its check and its `Rule` side by side.  Which
payer it applies to is data (``data/payer_overrides.toml``), never an ``if payer == ...``
here: OT101 is off by default and Medicare's override switches it on from the date the
policy took effect, so a billing team can switch it on for another payer with an
override file and no code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from pydantic import Field

#: tag this plugin gives the OT-only evaluation codes (data/procedures.toml).
OT_EVALUATION = "ot-evaluation"
#: tag other plugins (physical-therapy) give codes on CMS's always-therapy list.
ALWAYS_THERAPY = "always-therapy"
SPECIALTY = "occupational-therapy"

#: documentation complete for OT102, so that OT101's example shows only OT101.
_EXAMPLE_DOCUMENTATION: dict[str, Any] = {
    "objective_findings": ["grip strength right 8 kg, left 26 kg (dynamometer)"],
    "treatment_rationale": "restore independent dressing and feeding after stroke",
}


def _label(ctx: ClaimContext, code: str) -> str:
    label = ctx.label(code)
    return f"{code} ({label})" if label else code


class Options(RuleOptions):
    """OT101's options: each one's type, default and meaning, in one place.

    A value in ``cleanclaim.toml`` (``[rules.OT101]``) or a payer override file is checked
    against this model when the engine is built; the check receives one frozen instance.
    """

    modifier: str = Field(
        "GO", description="The discipline modifier an occupational therapy line needs (default GO)."
    )
    other_disciplines: tuple[str, ...] = Field(
        ("GP", "GN"),
        description="Modifiers of the other disciplines' plans of care (default GP "
        "physical therapy, GN speech-language pathology).",
    )


def check_go_modifier(ctx: ClaimContext, options: Options) -> Iterator[Hit]:
    """OT evaluations always need GO; on an OT claim, GP/GN instead of GO is the wrong plan.

    A therapy line with no discipline modifier at all is left to PT101 (physical-therapy
    plugin), whose message already names GO: reporting it twice would only add noise.
    """
    modifier = options.modifier.upper()
    others = {m.upper() for m in options.other_disciplines}
    for index in ctx.lines_tagged(OT_EVALUATION):
        mods = ctx.line_modifiers[index]
        if modifier in mods:
            continue
        code = ctx.lines[index].procedure
        wrong = sorted(mods & others)
        detail = (
            f"it carries {', '.join(wrong)}, the modifier of another discipline's plan of care"
            if wrong
            else "it has no discipline modifier"
        )
        yield Hit(
            f"{_label(ctx, code)} is an occupational therapy evaluation and {detail}: "
            f"bill it with {modifier}.",
            f"lines[{index}].modifiers",
            (code,),
            (modifier,),
        )
    if ctx.claim.specialty != SPECIALTY:
        return
    for index in ctx.lines_tagged(ALWAYS_THERAPY):
        mods = ctx.line_modifiers[index]
        wrong = sorted(mods & others)
        if modifier in mods or not wrong or ctx.has_tag(ctx.lines[index].procedure, OT_EVALUATION):
            continue
        code = ctx.lines[index].procedure
        yield Hit(
            f"{_label(ctx, code)} on an occupational therapy claim carries {', '.join(wrong)} "
            f"instead of {modifier}: the discipline modifier must name the plan of care the "
            "service was furnished under.",
            f"lines[{index}].modifiers",
            (code,),
            (modifier,),
        )


OT101 = Rule(
    id="OT101",
    name="ot-discipline-modifier",
    summary="An occupational therapy evaluation (97165-97168) without GO, or an always-therapy "
    "line of a claim whose specialty is occupational-therapy carrying GP or GN instead of GO.  "
    "Medicare, dates of service from 2018-01-01.",
    why="Medicare edits every always-therapy line for the discipline modifier of the plan of "
    "care it was furnished under (CR 10176, from 2018-01-01); an OT evaluation billed with GP, "
    "or with none, is returned unpaid and counts against the wrong therapy threshold.",
    example="Medicare, 2026-05-12: 97166 (OT evaluation, moderate complexity) with no modifier.",
    fix="Add GO to services furnished under an occupational therapy plan of care, and remove "
    "GP/GN from them.",
    reference="CMS CR 10176 / Transmittal 3814 'Updated Editing of Always Therapy Services' "
    "(effective 2018-01-01)",
    check=check_go_modifier,
    enabled_by_default=False,
    scope=Scope(procedures=frozenset({OT_EVALUATION, ALWAYS_THERAPY})),
    groups=("therapy", "modifiers"),
    options=Options,
    example_claim={
        "date_of_service": "2026-05-12",
        "payer": "medicare",
        "specialty": "occupational-therapy",
        "diagnoses": ["I69.351"],
        "lines": [{"procedure": "97166", "diagnosis_pointers": [1]}],
        "documentation": _EXAMPLE_DOCUMENTATION,
    },
)
