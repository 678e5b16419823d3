"""ICD106: a sign or symptom coded alongside the definitive diagnosis it is part of."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim.tables import CompiledIntegralPair


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    codes = ctx.diagnoses
    # (symptom index, definitive) -> the pairs that make it integral.  Several plugins may
    # contribute the same pair; the coder must see one finding citing every source.
    found: dict[tuple[int, str], list[CompiledIntegralPair]] = {}
    for compiled in ctx.tables.integral_pairs:
        for s_index, symptom in enumerate(codes):
            if not compiled.symptom.covers(symptom):
                continue
            definitive = next(
                (c for c in codes if c != symptom and compiled.definitive.covers(c)), None
            )
            if definitive is not None:
                found.setdefault((s_index, definitive), []).append(compiled)
    for (s_index, definitive), pairs in sorted(found.items()):
        symptom = codes[s_index]
        notes = "".join(dict.fromkeys(f" {p.pair.note}" for p in pairs if p.pair.note))
        sources = "; ".join(dict.fromkeys(p.pair.citation for p in pairs))
        yield Hit(
            message=(
                f"{symptom} may be a symptom integral to {definitive}: signs and symptoms "
                "routinely associated with a confirmed diagnosis are not coded separately "
                f"(guideline I.B.5).{notes} Remove it unless the provider documents it as "
                "not part of that condition."
            ),
            location=f"diagnoses[{s_index}]",
            codes=(symptom, definitive),
            reference=f"ICD-10-CM Official Guidelines I.B.4-I.B.6; {sources}",
        )


RULE = Rule(
    id="ICD106",
    name="integral-symptom",
    summary="A sign or symptom code reported with a definitive diagnosis of which it is an "
    "integral part; the pairs come from plugins, each with its source.",
    why="Guideline I.B.5 says symptoms routinely associated with a disease are not coded "
    "in addition to it; payers and auditors treat the extra code as unsupported.",
    example="M62.830 (muscle spasm of back) with S39.012A (strain of lower back) when the "
    "note says the spasm is due to the acute strain (pair contributed by primary-care).",
    example_claim={"date_of_service": "2026-05-12", "diagnoses": ["S39.012A", "M62.830"]},
    fix="Drop the symptom code, or document why it is not part of the definitive condition.",
    reference="ICD-10-CM Official Guidelines I.B.4, I.B.5, I.B.6",
    check=check,
    default_severity="warning",
    groups=("diagnosis",),
    scope=Scope(diagnoses_only=True),
)
