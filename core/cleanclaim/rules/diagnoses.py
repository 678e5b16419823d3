"""What is wrong with one diagnosis code, worked out once and shared by ICD101-ICD103.

A code is judged once per dataset and the verdict is cached across claims: the same
hundred codes make up most of a batch.  Exactly one of ICD101 (not valid), ICD102
(header) and ICD103 (7th character / placeholder) reports a code, so a coder never sees
three findings about one typo.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from cleanclaim.contributions import Hit

if TYPE_CHECKING:
    from cleanclaim.context import ClaimContext
    from cleanclaim.icd import Dataset, DatasetRegistry

Kind = Literal[
    "ok",
    "header",
    "expanded",
    "deleted",
    "not-yet",
    "unknown",
    "seventh-missing",
    "seventh-invalid",
    "placeholder-missing",
]

MAX_SUGGESTIONS = 12


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: Kind
    message: str = ""
    suggestions: tuple[str, ...] = ()


OK = Verdict("ok")


def hits_of_kinds(ctx: ClaimContext, kinds: frozenset[str]) -> Iterator[Hit]:
    """One hit per diagnosis whose verdict is of ``kinds``: the whole of ICD101-ICD103."""
    for index, code in enumerate(ctx.diagnoses):
        verdict = judge(ctx.dataset, ctx.registry, code)
        if verdict.kind in kinds:
            yield Hit(verdict.message, f"diagnoses[{index}]", (code,), verdict.suggestions)


def _dot(flat: str) -> str:
    return flat if len(flat) <= 3 else f"{flat[:3]}.{flat[3:]}"


def _title(ds: Dataset, code: str) -> str:
    info = ds.lookup(code)
    return f"{code} ({info.description})" if info else code


def _descendants(ds: Dataset, code: str) -> tuple[str, ...]:
    return tuple(ds.billable_descendants(code)[:MAX_SUGGESTIONS])


def _with_seventh(ds: Dataset, stem: str) -> tuple[str, ...]:
    flat = stem.replace(".", "").ljust(6, "X")
    return tuple(_dot(flat + char) for char in sorted(ds.seventh_characters(stem)))


@lru_cache(maxsize=65536)
def judge(ds: Dataset, registry: DatasetRegistry | None, code: str) -> Verdict:
    """The verdict on ``code`` (dotted) for the dataset of the date of service."""
    if ds.is_billable(code):
        return OK
    year = ds.info.fiscal_year
    info = ds.lookup(code)
    if info is not None:
        if info.requires_seventh:
            return Verdict(
                "seventh-missing",
                f"{_title(ds, code)} needs a 7th character (guideline I.A.5); "
                "without it the code is incomplete and invalid.",
                _with_seventh(ds, code),
            )
        history = _history(registry, code, year)
        was_billable = [fy for fy, billable in history if billable]
        if was_billable:
            earlier = max(was_billable)
            return Verdict(
                "expanded",
                f"{code} ({info.description}) is not valid for a date of service in FY{year}: "
                f"it was a billable code in FY{earlier} and has since been expanded into more "
                "specific codes; report the one the documentation supports.",
                _descendants(ds, code),
            )
        return Verdict(
            "header",
            f"{_title(ds, code)} is a category header, not a billable code "
            "(guideline I.B.2: report the most specific code available).",
            _descendants(ds, code),
        )
    flat = code.replace(".", "")
    repaired = _placeholder_repair(ds, flat)
    if repaired:
        return Verdict(
            "placeholder-missing",
            f"{code} lacks the placeholder X (guideline I.A.4): a code with a 7th character "
            f"must have 6 characters before it; did you mean {repaired[0]}?",
            repaired,
        )
    if len(flat) == 7:
        stem = _dot(flat[:6])
        stem_info = ds.lookup(stem)
        if stem_info is not None and stem_info.requires_seventh:
            valid = ds.seventh_characters(stem)
            listed = ", ".join(f"{c} ({d})" for c, d in sorted(valid.items()))
            return Verdict(
                "seventh-invalid",
                f"7th character {flat[6]!r} is not valid for {_title(ds, stem)}; "
                f"valid 7th characters: {listed}.",
                _with_seventh(ds, stem),
            )
    history = _history(registry, code, year)
    older = [fy for fy, _ in history if fy < year]
    newer = [fy for fy, _ in history if fy > year]
    if older:
        last = max(older)
        return Verdict(
            "deleted",
            f"{code} was deleted: it is valid in FY{last} but not in FY{year}, the fiscal year "
            "of the date of service (no grace period applies to deleted codes).",
            _replacements(ds, code),
        )
    if newer:
        first = min(newer)
        return Verdict(
            "not-yet",
            f"{code} is not yet effective: it first appears in FY{first}, after the date of "
            f"service (FY{year}).",
            _near(ds, code),
        )
    near = _near(ds, code)
    hint = f" Did you mean {', '.join(near[:3])}?" if near else ""
    return Verdict(
        "unknown",
        f"{code} is not an ICD-10-CM code in FY{year} or any packaged year.{hint}",
        near,
    )


def _history(registry: DatasetRegistry | None, code: str, year: int) -> list[tuple[int, bool]]:
    """(fiscal year, billable) for every other packaged year in which ``code`` exists."""
    if registry is None:
        return []
    out = []
    for fy in registry.fiscal_years():
        if fy == year:
            continue
        other = registry.for_fiscal_year(fy)
        if other.is_valid(code):
            out.append((fy, other.is_billable(code)))
    return out


def _placeholder_repair(ds: Dataset, flat: str) -> tuple[str, ...]:
    """Valid codes made by inserting the placeholder X where the user left it out."""
    if not 4 <= len(flat) < 7:
        return ()
    stem, char = flat[:-1], flat[-1]
    missing = 6 - len(stem)
    found = []
    for positions in itertools.combinations(range(3, 7), missing):
        letters = list(stem)
        for pos in positions:
            letters.insert(pos, "X")
        candidate = _dot("".join(letters) + char)
        if len(candidate.replace(".", "")) == 7 and ds.is_billable(candidate):
            found.append(candidate)
    return tuple(dict.fromkeys(found))


def _replacements(ds: Dataset, code: str) -> tuple[str, ...]:
    """Codes of the dataset that most plausibly replaced a deleted ``code``."""
    below = _descendants(ds, code) if ds.is_valid(code) else ()
    if below:
        return below
    return _near(ds, code)


def _near(ds: Dataset, code: str) -> tuple[str, ...]:
    """Billable codes under the longest prefix of ``code`` that exists in the dataset."""
    flat = code.replace(".", "")
    for cut in range(len(flat) - 1, 2, -1):
        prefix = _dot(flat[:cut])
        if ds.is_valid(prefix):
            return _descendants(ds, prefix)
    return ()
