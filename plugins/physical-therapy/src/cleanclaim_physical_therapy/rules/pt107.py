"""PT107 (trauma-on-nontraumatic-spasm): A therapy claim codes non-traumatic muscle spasm
of the back (M62.830) while the documentation says there was trauma
(documentation.trauma = true) and no injury code is on the claim; suggests the strain
code of the documented site (S39.012A for the lower back).

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.context import ClaimContext
from cleanclaim.options import NoOptions
from cleanclaim.rule import Hit, Rule, Scope

from cleanclaim_physical_therapy import policy
from cleanclaim_physical_therapy.rules.common import (
    _EXAMPLE_DOCUMENTATION,
    ALWAYS_THERAPY,
    INJURY_CHAPTER,
    NOT_FOR,
    _example,
)


def check_trauma_code(ctx: ClaimContext, options: NoOptions) -> Iterator[Hit]:
    doc = ctx.documentation
    if doc.trauma is not True or not ctx.lines_tagged(ALWAYS_THERAPY):
        return
    if any(INJURY_CHAPTER.covers(code) for code in ctx.diagnoses):
        return  # an injury code is already there; integral symptoms are ICD106's business
    entry = policy.strain_site_for(doc.site, doc.spinal_regions)
    # The mechanism is free text from the note: it is never quoted (reports get stored).
    mechanism = " and describes how it happened" if doc.mechanism else ""
    for nontraumatic in policy.nontraumatic_codes():
        pattern = nontraumatic.pattern()
        for index, code in enumerate(ctx.diagnoses):
            if not pattern.covers(code):
                continue
            if entry is not None:
                advice = (
                    f"code the injury instead: {entry.strain[0]} ({entry.label}) for the "
                    f"documented site, with the 7th character of the encounter (A active "
                    "treatment, D subsequent encounter). Keep the spasm code only if the "
                    "provider documents that it is unrelated to the injury."
                )
                suggestions = entry.strain
            else:
                advice = (
                    "code the strain of the injured site instead, and document the site "
                    "(lower back S39.012-, neck S16.1-, back wall of thorax S29.012-)."
                )
                suggestions = ()
            yield Hit(
                f"The note documents trauma{mechanism}, but {code} ({nontraumatic.label}) is "
                f"a non-traumatic code: {advice}",
                f"diagnoses[{index}]",
                (code,),
                suggestions,
                nontraumatic.citation,
            )


PT107 = Rule(
    id="PT107",
    excluded_specialties=NOT_FOR,
    scope=Scope(procedures=frozenset({ALWAYS_THERAPY})),
    name="trauma-on-nontraumatic-spasm",
    summary="A therapy claim codes non-traumatic muscle spasm of the back (M62.830) while "
    "the documentation says there was trauma (documentation.trauma = true) and no injury "
    "code is on the claim; suggests the strain code of the documented site (S39.012A for "
    "the lower back).",
    why="ICD-10-CM classifies muscle injured by trauma in the injury chapter by body region; "
    "M62.830 presumes no injury.  A payer that sees trauma in the record and a non-traumatic "
    "code questions both the code and who should pay (accident liability).",
    example="97110-GP for M62.830; documentation: site lumbar, trauma true, mechanism "
    "'slipped on ice and fell'.",
    fix="Code the strain of the documented site with the right 7th character (S39.012A or "
    "S39.012D for the lower back), or correct the documentation if there was no trauma.",
    reference="ICD-10-CM tabular: M62 (non-traumatic) vs S39.012/S16.1/S29.012; Official "
    "Guidelines I.C.19.a",
    check=check_trauma_code,
    default_severity="warning",
    groups=("therapy", "diagnoses"),
    example_claim=_example(
        documentation={
            **_EXAMPLE_DOCUMENTATION,
            "trauma": True,
            "mechanism": "slipped on ice and fell",
        }
    ),
)
