"""PC105 (trauma-vs-nontraumatic-spasm): A non-traumatic back spasm code (M62.830) when the
note documents trauma (or its mechanism names a fall, collision, lifting injury...), or
the lower back strain code (S39.012-) when the note says there was no trauma.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_primary_care import policy
from cleanclaim_primary_care.rules.common import (
    _TRAUMA,
    GUIDELINES,
    _covered,
    _negated,
    _texts,
    _word_regex,
)


class TraumaOptions(RuleOptions):
    """PC105's options."""

    trauma_words: tuple[str, ...] = Field(
        tuple(_TRAUMA.words),
        description="Words or phrases that show trauma when documentation.trauma is not "
        "documented (whole words, case-insensitive).",
    )
    negations: tuple[str, ...] = Field(
        tuple(_TRAUMA.negations),
        description="Cues that negate a trauma word when they come up to four words before "
        "it in the same clause ('no fall or impact').",
    )
    text_fields: tuple[str, ...] = Field(
        ("mechanism",),
        description="Documentation fields searched for trauma words (default: mechanism).",
    )
    applies_to_tags: tuple[str, ...] = Field(
        ("em",),
        description="Only claims with a line tagged so (default: an E/M visit) or whose "
        "specialty is primary-care; an empty list checks every claim. Keeps this rule and "
        "physical-therapy's PT107 from reporting the same M62.830 on therapy claims.",
    )


def _trauma_word(ctx: ClaimContext, options: TraumaOptions) -> tuple[str, str] | None:
    """The first un-negated trauma word in the configured text fields, with its field."""
    regex = _word_regex(options.trauma_words)
    negations = options.negations
    for location, text in _texts(ctx, options.text_fields):
        lowered = text.lower()
        for match in regex.finditer(lowered):
            if not _negated(lowered, match.start(), negations):
                return location, match.group(1)
    return None


def check_trauma_choice(ctx: ClaimContext, options: TraumaOptions) -> Iterator[Hit]:
    scope = options.applies_to_tags
    if (
        scope
        and ctx.claim.specialty != "primary-care"
        and not any(ctx.lines_tagged(tag) for tag in scope)
    ):
        return  # a therapy claim: the physical-therapy plugin's PT107 gives this advice
    trauma = ctx.documentation.trauma
    found = _trauma_word(ctx, options) if trauma is None else None
    for choice in policy.injury_choices():
        plain = _covered(ctx, choice.nontraumatic)
        injury = _covered(ctx, choice.traumatic)
        if plain and not injury and (trauma is True or found):
            code = ctx.diagnoses[plain[0]]
            if found is not None:
                why = f"{found[0]} describes an injury ('{found[1]}')"
            else:
                why = "the note documents trauma (documentation.trauma is true)"
            yield Hit(
                message=(
                    f"{code} ({choice.nontraumatic_label}) is a non-traumatic code, but {why}: "
                    f"a {choice.site} muscle injury is coded in the injury chapter as "
                    f"{choice.traumatic_code} ({choice.traumatic_label}; 7th character A while "
                    "under active treatment, D for later encounters during healing). Keep "
                    f"{code} only if the provider documents that the spasm is not due to the "
                    "injury."
                ),
                location=f"diagnoses[{plain[0]}]",
                codes=(code,),
                suggestions=(choice.traumatic_code,),
                reference=choice.citation,
            )
        elif injury and not plain and trauma is False:
            code = ctx.diagnoses[injury[0]]
            yield Hit(
                message=(
                    f"{code} is an injury code ({choice.traumatic_label}), but the note "
                    "documents no trauma (documentation.trauma is false): without an injury a "
                    f"{choice.site} spasm is coded {choice.nontraumatic} "
                    f"({choice.nontraumatic_label}). Query the provider if an injury did occur "
                    "and correct the trauma documentation instead."
                ),
                location=f"diagnoses[{injury[0]}]",
                codes=(code,),
                suggestions=(choice.nontraumatic,),
                reference=choice.citation,
            )


PC105 = Rule(
    id="PC105",
    scope=Scope(
        diagnoses=tuple(p for c in policy.injury_choices() for p in (c.nontraumatic, c.traumatic))
    ),
    name="trauma-vs-nontraumatic-spasm",
    summary=(
        "A non-traumatic back spasm code (M62.830) when the note documents trauma (or its "
        "mechanism names a fall, collision, lifting injury...), or the lower back strain "
        "code (S39.012-) when the note says there was no trauma."
    ),
    why=(
        "ICD-10-CM codes muscle problems from an injury in the injury chapter by region "
        "(lower back strain S39.012A) and keeps M62 for non-traumatic disorders. The "
        "choice changes the payer's view of the claim: injury codes prompt accident and "
        "liability questions, and the wrong one contradicts the note."
    ),
    example="M62.830 with documentation.trauma true (a fall on ice).",
    fix=(
        "Code S39.012A (A while under active treatment, D afterwards during healing) when "
        "the spasm follows a documented injury; code M62.830 when the note says there was "
        "no injury; query the provider when the note is contradictory."
    ),
    reference=f"{GUIDELINES} I.C.19.a; tabular notes of M62 and S39",
    check=check_trauma_choice,
    default_severity="warning",
    groups=("primary-care", "diagnoses", "documentation"),
    options=TraumaOptions,
    example_claim={
        "claim_id": "PC105-example",
        "date_of_service": "2026-05-12",
        "diagnoses": ["M62.830"],
        "lines": [{"procedure": "99213", "diagnosis_pointers": [1]}],
        "documentation": {"trauma": True, "mechanism": "fell on ice at work"},
    },
)
