"""ICD107: a code that may not be first-listed is first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit, Rule
from cleanclaim.icd import CodeRef, Dataset

MANIFESTATION = "in diseases classified elsewhere"


#: (dataset, code) -> (description, code-first refs of the code and its ancestors).
#: Datasets never change, so the answer is computed once per code instead of once per
#: claim (a full lookup with notes is the costliest call on the per-claim path).
_FACTS: dict[tuple[Dataset, str], tuple[str, tuple[CodeRef, ...]] | None] = {}
_FACTS_LIMIT = 65536


def _facts(dataset: Dataset, code: str) -> tuple[str, tuple[CodeRef, ...]] | None:
    key = (dataset, code)
    try:
        return _FACTS[key]
    except KeyError:
        pass
    info = dataset.lookup(code)
    facts: tuple[str, tuple[CodeRef, ...]] | None = None
    if info is not None:
        chain = [info, *(i for i in map(dataset.lookup, info.ancestors) if i is not None)]
        refs = tuple(ref for i in chain for note in i.code_first for ref in note.refs)
        facts = (info.description, refs)
    if len(_FACTS) >= _FACTS_LIMIT:
        _FACTS.clear()
    _FACTS[key] = facts
    return facts


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    first = ctx.diagnoses[0]
    if first[0] in "VWXY":
        others = [c for c in ctx.diagnoses[1:] if c[0] not in "VWXY"]
        yield Hit(
            f"{first} is an external-cause code (V00-Y99); it describes how an injury happened "
            "and may never be first-listed. List the injury or condition first.",
            "diagnoses[0]",
            (first,),
            tuple(others[:1]),
            "ICD-10-CM Official Guidelines I.C.20",
        )
        return
    facts = _facts(ctx.dataset, first)
    if facts is None:
        return
    description, refs = facts
    etiology = [c for c in ctx.diagnoses[1:] if any(ref.covers(c) for ref in refs)]
    if MANIFESTATION in description.lower():
        yield Hit(
            f"{first} ({description}) is a manifestation code and can never be "
            "first-listed: the underlying condition (etiology) goes first.",
            "diagnoses[0]",
            (first,),
            tuple(etiology),
            "ICD-10-CM Official Guidelines I.A.13",
        )
    elif refs and options.get("code_first_warning", True):
        yield Hit(
            f"{first} ({description}) carries a 'code first' note: the condition it names "
            "is usually sequenced before it.",
            "diagnoses[0]",
            (first,),
            tuple(etiology),
            "ICD-10-CM Official Guidelines I.A.13",
            severity="warning",
        )


RULE = Rule(
    id="ICD107",
    name="not-first-listed",
    summary="The first-listed diagnosis is a manifestation code ('... in diseases classified "
    "elsewhere') or an external-cause code (V00-Y99); as a warning, any code whose tabular "
    "entry says 'code first'.",
    why="Manifestation and external-cause codes describe a consequence or a circumstance, "
    "never the reason for the encounter; editors (MCE, IOCE) reject them in first position.",
    example="G63 (polyneuropathy in diseases classified elsewhere) listed before E11.42.",
    fix="List the underlying condition first and the manifestation after it; external cause "
    "codes go after the injury they explain.",
    reference="ICD-10-CM Official Guidelines I.A.13 and I.C.20; Section IV.G",
    check=check,
    options={"code_first_warning": True},
    option_docs={
        "code_first_warning": "Also warn when the first code merely carries a 'code first' "
        "note (no manifestation title)."
    },
    groups=("diagnosis",),
    diagnoses_only=True,
    example_claim={"date_of_service": "2026-05-12", "diagnoses": ["G63", "E11.42"]},
)
