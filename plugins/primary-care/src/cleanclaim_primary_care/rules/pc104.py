"""PC104 (back-pain-with-spasm-sequencing): Low back pain (M54.5-) reported with muscle
spasm of the back (M62.830): which to list first, and whether the pain is integral to
the spasm.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_primary_care import policy
from cleanclaim_primary_care.rules.common import (
    GUIDELINES,
    _covered,
)


class SequencingOptions(RuleOptions):
    """PC104's options."""

    when_condition_first: Literal["info", "warning", "off"] = Field(
        "info",
        description="What to report when the spasm is already listed before the pain: 'info' "
        "(default), 'warning' or 'off'.",
    )


def check_sequencing(ctx: ClaimContext, options: SequencingOptions) -> Iterator[Hit]:
    mode = options.when_condition_first
    for seq in policy.sequencing():
        symptoms = _covered(ctx, seq.symptom)
        conditions = _covered(ctx, seq.condition)
        if not symptoms or not conditions:
            continue
        si, ci = symptoms[0], conditions[0]
        symptom, condition = ctx.diagnoses[si], ctx.diagnoses[ci]
        if si < ci:
            yield Hit(
                message=(
                    f"{symptom} ({seq.symptom_label}) is listed before {condition} "
                    f"({seq.condition_label}). A symptom is coded when no related diagnosis "
                    "explains it (guideline I.B.4) and is left off when it routinely comes "
                    "with the coded condition (I.B.5): if the note attributes the pain to the "
                    f"spasm, drop {symptom}; if both were evaluated as separate problems, list "
                    "first the one chiefly responsible for today's service (Section IV.G), "
                    f"usually {condition} when the spasm is what is treated."
                ),
                location=f"diagnoses[{si}]",
                codes=(symptom, condition),
                suggestions=(condition,),
                reference=seq.citation,
            )
        elif mode != "off":
            yield Hit(
                message=(
                    f"{symptom} ({seq.symptom_label}) is reported after {condition} "
                    f"({seq.condition_label}): if the note attributes the pain to the spasm, "
                    f"the pain is part of it (guideline I.B.5) and {symptom} need not be "
                    "coded; keep it only when the note documents it as a separate problem."
                ),
                location=f"diagnoses[{si}]",
                codes=(symptom, condition),
                reference=seq.citation,
                severity="warning" if mode == "warning" else None,
            )


PC104 = Rule(
    id="PC104",
    scope=Scope(diagnoses=tuple(seq.symptom for seq in policy.sequencing())),
    name="back-pain-with-spasm-sequencing",
    summary=(
        "Low back pain (M54.5-) reported with muscle spasm of the back (M62.830): which "
        "to list first, and whether the pain is integral to the spasm."
    ),
    why=(
        "A symptom is coded when no related diagnosis explains it and is not coded when "
        "it routinely comes with the coded condition; in outpatient care the condition "
        "chiefly responsible for the service is listed first. Payers match the "
        "first-listed diagnosis to the service, so a pain code first can make a spasm "
        "treatment look unsupported. Section IV.G leaves the order to the condition "
        "chiefly responsible for the service, which only the note shows: advice (info), "
        "never a warning or an error on its own."
    ),
    example="Diagnoses M54.50, M62.830 for a trigger point injection into the back muscles.",
    fix=(
        "If the note attributes the pain to the spasm, drop M54.50; if both are separate "
        "problems, list first the one the service treats (usually M62.830)."
    ),
    reference=f"{GUIDELINES} I.B.4, I.B.5 and Section IV.G",
    check=check_sequencing,
    default_severity="info",
    groups=("primary-care", "diagnoses"),
    options=SequencingOptions,
    example_claim={
        "claim_id": "PC104-example",
        "date_of_service": "2026-05-12",
        "diagnoses": ["M54.50", "M62.830"],
        "lines": [{"procedure": "20552", "diagnosis_pointers": [1, 2]}],
    },
)
