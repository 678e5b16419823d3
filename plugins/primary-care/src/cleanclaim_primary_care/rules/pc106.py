"""PC106 (uncertain-diagnosis-outpatient): The documentation qualifies a diagnosis as
probable, suspected, likely, questionable, rule out or working while the claim carries
codes beyond signs and symptoms.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cached_property, lru_cache

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import DiagnosisPattern
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule
from cleanclaim_primary_care.rules.common import (
    _SYMPTOMS,
    _UNCERTAIN,
    GUIDELINES,
    _join,
    _phrase,
    _texts,
    _word_prefilter,
    _word_regex,
)

_STOP = frozenset(
    ("with", "without", "lower", "upper", "left", "right", "acute", "chronic", "region", "pain")
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


def _description(ctx: ClaimContext, code: str) -> str:
    try:
        return ctx.dataset.description(code) or ""
    except Exception:  # a code the dataset does not know is ICD101's business
        return ""


@lru_cache(maxsize=64)
def _patterns(texts: tuple[str, ...]) -> tuple[DiagnosisPattern, ...]:
    return tuple(DiagnosisPattern.parse(p) for p in texts)


class UncertainOptions(RuleOptions):
    """PC106's options; what the check derives from them is computed once per options."""

    terms: tuple[str, ...] = Field(
        tuple(_UNCERTAIN.words),
        description="Qualifiers that mark a diagnosis as uncertain (whole words).",
    )
    fields: tuple[str, ...] = Field(
        ("note", "treatment_rationale", "objective_findings", "site"),
        description="Documentation fields searched for the qualifiers.",
    )
    symptom_codes: tuple[str, ...] = Field(
        tuple(_SYMPTOMS.patterns),
        description="Diagnosis patterns that are signs or symptoms themselves; a claim coded "
        "only with these is left alone.",
    )

    @cached_property
    def prefilter(self) -> re.Pattern[str]:
        return _word_prefilter(self.terms)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return _word_regex(self.terms)

    @cached_property
    def symptom_patterns(self) -> tuple[DiagnosisPattern, ...]:
        return _patterns(self.symptom_codes)


def _raw_texts(ctx: ClaimContext, fields: Iterable[str]) -> str:
    """All the text of ``fields`` in one string, for a quick search."""
    doc = ctx.documentation
    parts: list[str] = []
    for name in fields:
        value = getattr(doc, name, None)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list | tuple):
            parts.extend(item for item in value if isinstance(item, str))
    return "\n".join(parts).lower()


def check_uncertain(ctx: ClaimContext, options: UncertainOptions) -> Iterator[Hit]:
    prefilter, regex, fields = options.prefilter, options.regex, options.fields
    symptom_patterns = options.symptom_patterns
    if not prefilter.search(_raw_texts(ctx, fields)):
        return  # the cheap test first: most notes qualify nothing
    texts = [
        (location, text) for location, text in _texts(ctx, fields) if regex.search(text.lower())
    ]
    if not texts:
        return
    coded = [c for c in ctx.diagnoses if not any(p.covers(c) for p in symptom_patterns)]
    if not coded:
        return  # only symptom codes: the coder already followed IV.H
    seen: set[str] = set()
    for location, text in texts:
        lowered = text.lower()
        for match in regex.finditer(lowered):
            phrase = _phrase(text, match.start())
            key = phrase.lower()
            if key in seen:
                continue
            seen.add(key)
            target = _words(phrase[len(match.group(1)) :])
            matched = [c for c in coded if target & _words(_description(ctx, c))]
            # A qualifier whose words name a coded diagnosis is a likely audit finding (the
            # rule's warning); one that names nothing coded ("likely to improve", a
            # prognosis) may qualify no diagnosis at all, so it is only advice.
            if matched:
                tail = (
                    f"{_join(matched)} looks coded from it: remove it unless the diagnosis "
                    "was confirmed"
                )
            else:
                tail = f"check that {_join(coded)} was not coded from it"
            yield Hit(
                # The phrase is the note's own text: only our word list's term is quoted.
                message=(
                    f'{location} qualifies a diagnosis as "{match.group(1)}": outpatient '
                    "coding does not code a "
                    "diagnosis qualified as probable, suspected, likely, questionable, rule out "
                    "or working (guideline IV.H); code the signs, symptoms or findings that are "
                    f"documented instead, and {tail}."
                ),
                location=location,
                codes=tuple(matched or coded),
                severity=None if matched else "info",
            )


PC106 = Rule(
    id="PC106",
    name="uncertain-diagnosis-outpatient",
    summary=(
        "The documentation qualifies a diagnosis as probable, suspected, likely, "
        "questionable, rule out or working while the claim carries codes beyond signs "
        "and symptoms."
    ),
    why=(
        "Outpatient coding does not code uncertain diagnoses; it codes the signs, symptoms "
        "or findings that are documented to the highest certainty. A code taken from an "
        "uncertain diagnosis misstates the patient's record and may be denied or audited."
    ),
    example="Note: 'probable lumbar radiculopathy'; claim codes M54.16.",
    fix=(
        "Code the documented symptoms (e.g. low back pain, M54.50) until the diagnosis is "
        "confirmed, or ask the provider to confirm it in the note."
    ),
    reference=f"{GUIDELINES} Section IV.H (uncertain diagnosis)",
    check=check_uncertain,
    default_severity="warning",
    groups=("primary-care", "diagnoses", "documentation"),
    options=UncertainOptions,
    example_claim={
        "claim_id": "PC106-example",
        "date_of_service": "2026-05-12",
        "diagnoses": ["M54.16"],
        "lines": [{"procedure": "99213", "diagnosis_pointers": [1]}],
        "documentation": {"note": "Probable lumbar radiculopathy; MRI ordered."},
    },
)
