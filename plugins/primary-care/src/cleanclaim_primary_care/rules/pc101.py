"""PC101 (em-procedure-modifier-25): An E/M visit billed on the same day as a minor
procedure (a trigger point injection, or any procedure a plugin tags minor-procedure)
without modifier 25.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_primary_care.rules.common import (
    _EM_TPI_CLAIM,
    _join,
    _label,
    _tagged,
)


class Modifier25Options(RuleOptions):
    """PC101's options."""

    em_tags: tuple[str, ...] = Field(
        ("em",), description="Procedure tags that mark an E/M visit (default: em)."
    )
    procedure_tags: tuple[str, ...] = Field(
        ("minor-procedure",),
        description="Procedure tags that mark a same-day minor procedure (default: "
        "minor-procedure, which other plugins may also use).",
    )


def check_modifier_25(ctx: ClaimContext, options: Modifier25Options) -> Iterator[Hit]:
    em_tags = options.em_tags
    procedure_tags = options.procedure_tags
    procedures = [
        i for i, line in enumerate(ctx.lines) if _tagged(ctx, line.procedure, procedure_tags)
    ]
    if not procedures:
        return
    codes = tuple(dict.fromkeys(ctx.lines[i].procedure for i in procedures))
    misplaced = [ctx.lines[i].procedure for i in procedures if "25" in ctx.line_modifiers[i]]
    for i, line in enumerate(ctx.lines):
        if i in procedures or not _tagged(ctx, line.procedure, em_tags):
            continue
        if "25" in ctx.line_modifiers[i]:
            continue
        message = (
            f"E/M {line.procedure} is billed on the same day as minor procedure "
            f"{_join([_label(ctx, c) for c in codes])} without modifier 25: the procedure "
            "already pays for the usual assessment before and after it, so the visit is "
            "denied as bundled unless it was significant and separately identifiable. If it "
            f"was, append 25 to {line.procedure} and document the visit on its own; if not, "
            "remove the E/M line."
        )
        if misplaced:
            message += (
                f" Modifier 25 is on {_join(misplaced)}; it belongs on the E/M, never on the "
                "procedure."
            )
        yield Hit(
            message=message,
            location=f"lines[{i}].modifiers",
            codes=(line.procedure, *codes),
            suggestions=("25",),
        )


PC101 = Rule(
    id="PC101",
    scope=Scope(procedures_from_options=("procedure_tags",)),
    name="em-procedure-modifier-25",
    summary=(
        "An E/M visit billed on the same day as a minor procedure (a trigger point "
        "injection, or any procedure a plugin tags minor-procedure) without modifier 25."
    ),
    why=(
        "A minor procedure's payment includes the usual evaluation before and after it. "
        "Payers that follow NCCI deny the same-day E/M as bundled unless modifier 25 says "
        "it was significant and separately identifiable, above that usual work."
    ),
    example="99213 and 20552 on one claim, 99213 without modifier 25.",
    fix=(
        "If the visit addressed a separate problem or went beyond the pre-procedure "
        "assessment, append 25 to the E/M and document it on its own; otherwise remove "
        "the E/M line. Modifier 25 goes on the E/M, never on the procedure."
    ),
    reference=(
        "CPT modifier 25; NCCI policy on E/M with minor procedures; CMS IOCE edit 'medical "
        "visit on the same day as a significant procedure without modifier 25'; Texas "
        "Medical Association 'Use Modifiers to Override CCI Edits'"
    ),
    check=check_modifier_25,
    default_severity="error",
    groups=("primary-care", "modifiers"),
    options=Modifier25Options,
    example_claim=_EM_TPI_CLAIM,
)
