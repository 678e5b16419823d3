"""ICD107: a code that may not be first-listed is first."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.icd import Dataset, Note
from cleanclaim.memo import Memo, remember
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope

#: (dataset, code) -> (description, manifestation?, code-first notes of the code and its
#: ancestors).  Datasets never change, so the answer is computed once per code instead of
#: once per claim (a full lookup with notes is the costliest call on the per-claim path).
_Facts = tuple[str, bool, tuple[Note, ...]]
_FACTS = Memo("ICD107's facts per dataset and code")


def _facts(dataset: Dataset, code: str) -> _Facts | None:
    key = (dataset, code)
    try:
        known: _Facts | None = _FACTS[key]
        return known
    except KeyError:
        pass
    info = dataset.lookup(code)
    facts: _Facts | None = None
    if info is not None:
        chain = [info, *(i for i in map(dataset.lookup, info.ancestors) if i is not None)]
        notes = tuple(note for i in chain for note in i.code_first if note.refs)
        facts = (info.description, dataset.is_manifestation(code), notes)
    return remember(_FACTS, key, facts)


def _covered(notes: tuple[Note, ...], codes: Sequence[str]) -> tuple[list[str], bool]:
    """The claim's codes a code-first note names, and whether every such note is
    conditional ("code first, if applicable, ...")."""
    named = [c for c in codes if any(ref.covers(c) for note in notes for ref in note.refs)]
    naming = [n for n in notes if any(ref.covers(c) for ref in n.refs for c in named)]
    return named, all(n.conditional for n in naming)


class Options(RuleOptions):
    """ICD107's options."""

    code_first_warning: bool = Field(
        True,
        description="Also warn when the first code's 'code first' note names a "
        "condition the claim lists after it (no manifestation title).",
    )


def check(ctx: ClaimContext, options: Options) -> Iterator[Hit]:
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
    description, manifestation, notes = facts
    etiology, conditional = _covered(notes, ctx.diagnoses[1:])
    if manifestation:
        yield Hit(
            f"{first} ({description}) is a manifestation code ('in diseases classified "
            "elsewhere', in its title or its category's) and can never be first-listed: the "
            "underlying condition (etiology) goes first.",
            "diagnoses[0]",
            (first,),
            tuple(etiology),
            "ICD-10-CM Official Guidelines I.A.13",
        )
    elif etiology and options.code_first_warning:
        # A code-first note alone never makes a code unfit to be first-listed (guidelines
        # I.B.7, IV.D): only when the claim itself lists the condition the note names.
        named = ", ".join(etiology)
        when = f"if {first} is due to it" if conditional else "as the note asks"
        yield Hit(
            f"{first} ({description}) carries a 'code first' note naming {named}, which the "
            f"claim lists after it: {when}, sequence {named} first.",
            "diagnoses[0]",
            (first,),
            tuple(etiology),
            "ICD-10-CM Official Guidelines I.B.7 and I.A.13",
            severity="warning",
        )


RULE = Rule(
    id="ICD107",
    name="not-first-listed",
    summary="The first-listed diagnosis is a manifestation code (its title or its "
    "category's says '... in diseases classified elsewhere': M36.0, F02.80, G63) or an "
    "external-cause code (V00-Y99); as a warning, a code whose 'code first' note names a "
    "condition the claim lists after it. A code-first note alone (R39.1's 'code first, if "
    "applicable, any causal condition') never stops a code being first-listed.",
    why="Manifestation and external-cause codes describe a consequence or a circumstance, "
    "never the reason for the encounter; editors (MCE, IOCE) reject them in first position.",
    example="G63 (polyneuropathy in diseases classified elsewhere) listed before E85.4 "
    "(organ-limited amyloidosis), the condition its 'code first amyloidosis (E85.-)' note names.",
    fix="List the underlying condition first and the manifestation after it; external cause "
    "codes go after the injury they explain.",
    reference="ICD-10-CM Official Guidelines I.A.13, I.B.7 and I.C.20; Section IV.G",
    check=check,
    options=Options,
    groups=("diagnosis",),
    scope=Scope(diagnoses_only=True),
    example_claim={"date_of_service": "2026-05-12", "diagnoses": ["G63", "E85.4"]},
)
