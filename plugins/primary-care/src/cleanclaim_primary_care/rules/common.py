"""What the primary-care rules share: constants, helpers and the example claims' parts.

Each rule is in its own module beside this one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim_primary_care import policy

GUIDELINES = "ICD-10-CM Official Guidelines for Coding and Reporting"


# -- small helpers ---------------------------------------------------------------------------


#: the word lists and symptom codes the options default to, from the data files.
_TRAUMA = policy.trauma_words()
_UNCERTAIN = policy.uncertain_terms()
_SYMPTOMS = policy.symptom_codes()


def _tagged(ctx: ClaimContext, code: str, tags: Iterable[str]) -> bool:
    return any(ctx.has_tag(code, tag) for tag in tags)


def _covered(ctx: ClaimContext, pattern: str) -> list[int]:
    return ctx.diagnosis_covered(pattern)


def _label(ctx: ClaimContext, code: str) -> str:
    label = ctx.label(code)
    return f"{code} ({label})" if label else code


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _ranges(codes: Sequence[str]) -> str:
    """``99202, 99203, 99204, 99341`` -> ``99202-99204, 99341`` (numeric runs joined)."""
    runs: list[list[str]] = []
    for code in codes:
        last = runs[-1][-1] if runs else ""
        if code.isdigit() and last.isdigit() and int(code) == int(last) + 1:
            runs[-1].append(code)
            continue
        runs.append([code])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


@lru_cache(maxsize=64)
def _word_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word (or whole-phrase) matcher for a word list, longest phrase first."""
    alternatives = sorted(
        (re.escape(w.strip().lower()).replace(r"\ ", r"\s+") for w in words if w.strip()),
        key=len,
        reverse=True,
    )
    if not alternatives:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(r"(?<![a-z0-9/])(" + "|".join(alternatives) + r")(?![a-z0-9/])")


@lru_cache(maxsize=64)
def _word_prefilter(words: tuple[str, ...]) -> re.Pattern[str]:
    """The words of :func:`_word_regex` without its word-boundary checks: it matches
    wherever that one does (and more), several times faster, so a text it does not
    match can be skipped."""
    alternatives = [re.escape(w.strip().lower()).replace(r"\ ", r"\s+") for w in words]
    alternatives = [a for a in alternatives if a]
    return re.compile("|".join(alternatives) if alternatives else r"(?!x)x")


_CLAUSE_END = re.compile(r"[.;,:!?\n()]")


def _negated(text: str, start: int, negations: tuple[str, ...], window: int = 4) -> bool:
    """True when a negation cue comes shortly before ``start`` in the same clause."""
    clause = _CLAUSE_END.split(text[:start])[-1]
    words = clause.split()[-window:]
    tail = " " + " ".join(words) + " "
    return any(f" {cue.lower()} " in tail for cue in negations)


def _phrase(text: str, start: int, max_words: int = 6) -> str:
    """The words from ``start`` to the end of the clause (at most ``max_words``)."""
    clause = _CLAUSE_END.split(text[start:])[0]
    return " ".join(clause.split()[:max_words])


def _texts(ctx: ClaimContext, fields: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(location, text) for each documentation text field, lists item by item."""
    doc = ctx.documentation
    for name in fields:
        value = getattr(doc, name, None)
        if isinstance(value, str) and value.strip():
            yield f"documentation.{name}", value
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if isinstance(item, str) and item.strip():
                    yield f"documentation.{name}[{i}]", item


_EM_TPI_CLAIM: dict[str, Any] = {
    "claim_id": "PC101-example",
    "date_of_service": "2026-05-12",
    "payer": "commercial",
    "diagnoses": ["M79.18"],
    "lines": [
        {"procedure": "99213", "diagnosis_pointers": [1]},
        {"procedure": "20552", "diagnosis_pointers": [1]},
    ],
}
