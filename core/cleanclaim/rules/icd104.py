"""ICD104: two diagnoses on the claim that an Excludes1 note keeps apart."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from cleanclaim.context import ClaimContext
from cleanclaim.memo import Memo, remember
from cleanclaim.rule import Hit, Rule, Scope

if TYPE_CHECKING:
    from cleanclaim.icd import CodeRef, Dataset

Excludes = tuple[tuple[str, str, tuple["CodeRef", ...]], ...]


_CHAINS = Memo("Excludes1 chains per dataset and code")
_PAIRS = Memo("Excludes1 answers per dataset and ordered pair of codes")
#: `_PAIRS`'s answer for a pair not asked yet (None is an answer: no note names it).
_UNSEEN = object()


def excludes1_chain(ds: Dataset, code: str) -> Excludes:
    """The Excludes1 chain of ``code`` (`_excludes1_chain`), remembered per dataset and
    code: datasets never change, and the chain is the costliest part of ICD104.

    :param ds: the dataset.
    :param code: a diagnosis code.
    """
    key = (ds, code)
    chain: Excludes | None = _CHAINS.get(key)
    if chain is None:
        chain = remember(_CHAINS, key, _excludes1_chain(ds, code))
    return chain


def _excludes1_chain(ds: Dataset, code: str) -> Excludes:
    """(owner, note text, refs) of every Excludes1 note on the code, its ancestors, its
    block and its chapter.

    An Excludes1 note on a category applies to every code below it, so M54.50 inherits
    the note written at M54.5; a note under a block heading (M60-M63) or a chapter
    heading applies to every code of that block or chapter.
    """
    info = ds.lookup(code)
    if info is None:
        return ()
    out = []
    for owner in (code, *info.ancestors):
        owner_info = info if owner == code else ds.lookup(owner)
        if owner_info is None:
            continue
        for note in owner_info.excludes1:
            if note.refs:
                out.append((owner, note.text, tuple(note.refs)))
    block_id = info.block[0]
    for note in ds.block_notes(block_id).get("excludes1", ()):
        if note.refs:
            out.append((f"block {block_id}", note.text, tuple(note.refs)))
    for note in ds.chapter_notes(info.chapter[0]).get("excludes1", ()):
        if note.refs:
            out.append((f"chapter {info.chapter[0]}", note.text, tuple(note.refs)))
    return tuple(out)


def _conflict(ds: Dataset, code: str, other: str) -> tuple[str, str, bool] | None:
    """(owner, note text, read) of the note on ``code`` that names ``other``
    (`_conflict_of`), remembered per dataset and ordered pair: in a long batch most
    diagnosis lists are new while their pairs are not, and walking a chain's references
    is most of what a new list costs.
    """
    key = (ds, code, other)
    found: object = _PAIRS.get(key, _UNSEEN)
    if found is _UNSEEN:
        return remember(_PAIRS, key, _conflict_of(ds, code, other))
    return cast("tuple[str, str, bool] | None", found)


def _conflict_of(ds: Dataset, code: str, other: str) -> tuple[str, str, bool] | None:
    """(owner, note text, read) of the note on ``code`` that names ``other``.

    A reference narrowed by a qualifier ("S62.- with 7th character B") names ``other`` only
    when its characters match.  ``read`` is False when the only note naming ``other`` has a
    qualifier the builder could not read ("B27.0-B27.9 with 1"): its range is taken as
    written, and the caller reports it as a warning that says so.
    """
    unread: tuple[str, str, bool] | None = None
    for owner, text, refs in excludes1_chain(ds, code):
        for ref in refs:
            if ref.covers(other):
                if ref.readable:
                    return owner, text, True
                unread = unread or (owner, text, False)
    return unread


def conflicts(
    ds: Dataset, diagnoses: tuple[str, ...]
) -> tuple[tuple[str, str, str, str, bool], ...]:
    """(holder, excluded, owner, note, read) for every Excludes1 pair among a claim's
    diagnoses (``read`` as `_conflict()` gives it).

    Not cached per list: ICD104 is ``diagnoses_only``, so the engine already remembers its
    hits per diagnosis list, and `_conflict` remembers the answer per ordered pair.
    """
    codes = [c for c in dict.fromkeys(diagnoses) if ds.is_valid(c)]
    out = []
    for i, first in enumerate(codes):
        for second in codes[i + 1 :]:
            found = _conflict(ds, first, second)
            if found is None:
                found = _conflict(ds, second, first)
                pair = (second, first)
            else:
                pair = (first, second)
            if found is not None:
                out.append((*pair, *found))
    return tuple(out)


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    for holder, excluded, owner, text, read in conflicts(ctx.dataset, tuple(ctx.diagnoses)):
        index = ctx.diagnoses.index(excluded)
        reference = f"ICD-10-CM Tabular List, Excludes1 at {owner}; Official Guidelines I.A.12.a"
        if not read:
            yield Hit(
                message=(
                    f"{holder} and {excluded} may not belong together: {owner} carries the "
                    f"Excludes1 note '{text}', whose qualifier could not be read, so whether "
                    f"it names {excluded} is not certain. Read the note in the Tabular List; "
                    "if it does, keep the code the documentation supports."
                ),
                location=f"diagnoses[{index}]",
                codes=(holder, excluded),
                reference=reference,
                severity="warning",
            )
            continue
        yield Hit(
            message=(
                f"{holder} and {excluded} should not be reported together: {owner} carries "
                f"the Excludes1 note '{text}'. Excludes1 means the two are never coded "
                "together; keep the code the documentation supports (the exception is two "
                "conditions documented as unrelated)."
            ),
            location=f"diagnoses[{index}]",
            codes=(holder, excluded),
            reference=reference,
        )


RULE = Rule(
    id="ICD104",
    name="excludes1-conflict",
    summary="Two diagnoses on the claim where one (or one of its ancestors) carries an "
    "Excludes1 note that names the other, directly or through a range such as M51.2- or "
    "S30-S39, honouring the note's qualifier ('S62.- with 7th character B' names open "
    "fractures only). A note whose qualifier could not be read gives a warning that says so. "
    "Excludes2 notes are never reported: both codes may be used.",
    why="Excludes1 means 'not coded here': the two conditions cannot be reported together "
    "(for example congenital versus acquired forms), and payers' editors reject the pair.",
    example="S39.012A (strain of lower back) with M54.50 (low back pain): M54.5 carries "
    "Excludes1 'low back strain (S39.012)'.",
    fix="Keep the code the documentation supports: a documented strain is coded S39.012A and "
    "the pain it explains is not coded separately.",
    reference="ICD-10-CM Official Guidelines I.A.12.a; the Excludes1 notes of the Tabular List",
    check=check,
    groups=("diagnosis",),
    scope=Scope(diagnoses_only=True),
    example_claim={"date_of_service": "2026-05-12", "diagnoses": ["S39.012A", "M54.50"]},
)
