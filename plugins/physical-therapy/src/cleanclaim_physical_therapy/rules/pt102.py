"""PT102 (therapy-assistant-modifier): A physical therapy line furnished in whole or in
part by a physical therapist assistant (ServiceLine.furnished_by = 'assistant', or
assistant_minutes above 10% of the line's minutes) without CQ.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from pydantic import Field, field_validator

from cleanclaim_physical_therapy.rules.common import (
    ALWAYS_THERAPY,
    _example,
    _is_pt_line,
    _label,
)


class AssistantOptions(RuleOptions):
    """PT102's options."""

    modifier: str = Field("CQ", description="The assistant modifier required (default CQ).")
    de_minimis_percent: int | float = Field(
        10,
        ge=0,
        description="An assistant share of the line's minutes at or below this "
        "percentage needs no modifier (default 10).",
    )
    reduced_payment_from: str | None = Field(
        "2022-01-01",
        description="From this date of service the message notes the 85% payment "
        "of CQ lines (default 2022-01-01); null to leave it out.",
    )

    @field_validator("reduced_payment_from")
    @classmethod
    def _a_date(cls, value: str | None) -> str | None:
        if value is not None:
            date.fromisoformat(value)  # a ValueError names the bad date at build
        return value


def check_assistant_modifier(ctx: ClaimContext, options: AssistantOptions) -> Iterator[Hit]:
    modifier = options.modifier.upper()
    percent = Decimal(str(options.de_minimis_percent))
    reduced_from = options.reduced_payment_from
    reduced = reduced_from is not None and ctx.day >= date.fromisoformat(reduced_from)
    payment = " (lines with CQ are paid at 85% of the fee schedule)" if reduced else ""
    for index in ctx.lines_tagged(ALWAYS_THERAPY):
        if modifier in ctx.line_modifiers[index] or not _is_pt_line(ctx, index):
            continue
        line = ctx.lines[index]
        code = line.procedure
        share = line.assistant_minutes
        if share is not None and line.minutes:
            if share * 100 <= percent * line.minutes:
                continue
            how = f"{share} of its {line.minutes} minutes, more than the {percent}% de minimis"
        elif line.furnished_by == "assistant":
            how = "in whole or in part"
        elif share:
            yield Hit(
                f"An assistant furnished {share} minutes of {_label(ctx, code)} but the line "
                f"has no total minutes, so the {percent}% de minimis test cannot be made: add "
                f"{modifier} if the assistant's share is more than {percent}%.",
                f"lines[{index}].modifiers",
                (code,),
                (modifier,),
                severity="info",
            )
            continue
        else:
            continue
        yield Hit(
            f"{_label(ctx, code)} was furnished by a physical therapist assistant ({how}) "
            f"and lacks {modifier}: Medicare requires it{payment}.",
            f"lines[{index}].modifiers",
            (code,),
            (modifier,),
        )


PT102 = Rule(
    id="PT102",
    scope=Scope(procedures=frozenset({ALWAYS_THERAPY})),
    name="therapy-assistant-modifier",
    summary="A physical therapy line furnished in whole or in part by a physical therapist "
    "assistant (ServiceLine.furnished_by = 'assistant', or assistant_minutes above 10% of "
    "the line's minutes) without CQ.  Medicare only, dates of service from 2020-01-01.",
    why="Medicare requires CQ on PT services an assistant furnished in whole or in part from "
    "2020-01-01, and pays them at 85% from 2022-01-01 (SSA §1834(v)); a missing CQ is an "
    "overpayment.",
    example="Medicare, 2026-05-12: 97110-GP, 30 minutes, 20 of them furnished by a PTA.",
    fix="Add CQ to the line (CQ goes with GP; CO with GO is the occupational therapy "
    "counterpart).  If the assistant's share is 10% of the minutes or less, no CQ is due.",
    reference="CMS 'Billing Examples Using CQ/CO Modifiers for Services Furnished in Whole or "
    "in Part by PTAs and OTAs'; SSA §1834(v) (BBA 2018 §53107)",
    check=check_assistant_modifier,
    enabled_by_default=False,
    groups=("therapy", "modifiers"),
    options=AssistantOptions,
    example_claim=_example(line={"furnished_by": "assistant", "assistant_minutes": 20}),
)
