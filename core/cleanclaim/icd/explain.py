"""Why a diagnosis code is not reportable on a date, and what to report instead.

One explainer serves ICD101-ICD103 and ``cleanclaim code``, so a coder reads the same
suggestions and the same wording about a deleted, not yet effective or never-existing code
wherever they meet it.

Two principles keep it honest:

* **Year facts come from packaged years only.**  With FY2021 and FY2025 packaged, a code
  missing from FY2021 and present in FY2025 was "added between FY2021 and FY2025", never
  "first appears in FY2025": the years in between are simply not here.  The packaged years
  are read from the registry, never written down.
* **Advice must hold on the claim's date.**  When the claim's fiscal year is not packaged
  (the engine's fallback year), a code is judged by the packaged years on either side of
  it; only codes billable in all of them are suggested, and a code those years disagree on
  gets a warning that says the data cannot decide, not an error.

Typo suggestions rank the year's billable codes by a Damerau-Levenshtein (optimal string
alignment) distance over the code without its dot, in which inserting or dropping the
placeholder ``X`` costs half an edit (guideline I.A.4: coders confuse where the X goes);
codes of the same category come first among equals.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from cleanclaim.codes import dotted, normalize_code, pad_stem, placeholder_completions, undotted
from cleanclaim.icd.history import ABSENT, BILLABLE

if TYPE_CHECKING:
    from cleanclaim.icd.dataset import Dataset
    from cleanclaim.icd.registry import DatasetRegistry

Kind = Literal[
    "ok",
    "header",
    "expanded",
    "deleted",
    "not-yet",
    "unknown",
    "uncertain",
    "seventh-missing",
    "seventh-invalid",
    "placeholder-missing",
]

#: suggestions a finding lists at most.
MAX_SUGGESTIONS = 12
#: the largest typo distance still offered as "did you mean".
MAX_DISTANCE = 2.0
#: what inserting or dropping the placeholder X costs.
PLACEHOLDER_COST = 0.5
#: what a candidate of another category costs on top of its distance when ranked: a slip
#: that changes the category names another body site or condition, so a same-category
#: code one and a half edits away (S39.12XA -> S39.012A) ranks before it.
OTHER_CATEGORY_COST = 0.75
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class Explanation:
    """The verdict on one code: its kind, the sentence a coder reads, what to use instead.

    ``severity`` is set only when the verdict is weaker than the rule's default: a warning
    when the packaged years cannot decide.  ``exists_in`` lists the packaged fiscal years
    in which the code exists (header or billable).
    """

    kind: Kind
    message: str = ""
    suggestions: tuple[str, ...] = ()
    severity: Literal["warning"] | None = None
    exists_in: tuple[int, ...] = ()

    @property
    def rule(self) -> str | None:
        """The rule that reports this verdict on a claim (None for ``ok``)."""
        return REPORTED_BY.get(self.kind)


OK = Explanation("ok")

#: which one rule reports a verdict of each kind on a claim: exactly one of ICD101 (not
#: valid on the date), ICD102 (a header) and ICD103 (7th character, placeholder X), so a
#: coder never sees three findings about one typo, and ``cleanclaim code`` can name it.
REPORTED_BY: dict[Kind, str] = {
    "unknown": "ICD101",
    "deleted": "ICD101",
    "not-yet": "ICD101",
    "expanded": "ICD101",
    "uncertain": "ICD101",
    "header": "ICD102",
    "seventh-missing": "ICD103",
    "seventh-invalid": "ICD103",
    "placeholder-missing": "ICD103",
}


def kinds_reported_by(rule_id: str) -> frozenset[str]:
    """The verdict kinds the rule ``rule_id`` (ICD101-ICD103) reports."""
    return frozenset(kind for kind, rule in REPORTED_BY.items() if rule == rule_id)


def _flat(code: str) -> str:
    return undotted(normalize_code(code))


# -- typo distance -----------------------------------------------------------------------


def osa_distance(a: str, b: str) -> float:
    """Optimal-string-alignment distance between two dotless codes.

    Substitution, insertion, deletion and transposition of neighbours cost 1; inserting
    or deleting the placeholder ``X`` costs `PLACEHOLDER_COST`.
    """

    def indel(ch: str) -> float:
        return PLACEHOLDER_COST if ch == "X" else 1.0

    rows = len(a) + 1
    cols = len(b) + 1
    d = [[0.0] * cols for _ in range(rows)]
    for i in range(1, rows):
        d[i][0] = d[i - 1][0] + indel(a[i - 1])
    for j in range(1, cols):
        d[0][j] = d[0][j - 1] + indel(b[j - 1])
    for i in range(1, rows):
        for j in range(1, cols):
            ca, cb = a[i - 1], b[j - 1]
            best = min(
                d[i - 1][j] + indel(ca),
                d[i][j - 1] + indel(cb),
                d[i - 1][j - 1] + (0.0 if ca == cb else 1.0),
            )
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, d[i - 2][j - 2] + 1.0)
            d[i][j] = best
    return d[-1][-1]


def _single_edits(flat: str) -> set[str]:
    """Every string one edit (of any kind) away from ``flat``."""
    out: set[str] = set()
    n = len(flat)
    for i in range(n):
        out.add(flat[:i] + flat[i + 1 :])
        for ch in _ALPHABET:
            out.add(flat[:i] + ch + flat[i + 1 :])
        if i + 1 < n:
            out.add(flat[:i] + flat[i + 1] + flat[i] + flat[i + 2 :])
    for i in range(n + 1):
        for ch in _ALPHABET:
            out.add(flat[:i] + ch + flat[i:])
    out.discard(flat)
    return out


def _category_codes(ds: Dataset, category: str) -> list[str]:
    codes, billable = ds._all()
    lo = bisect.bisect_left(codes, category)
    out = []
    for k in range(lo, len(codes)):
        if not codes[k].startswith(category):
            break
        if billable[k]:
            out.append(codes[k])
    return out


def nearest(ds: Dataset, code: str, limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
    """The billable codes of ``ds`` a typo most plausibly meant, best first.

    Candidates are every billable code one edit away (any category) and the billable codes
    of the typed code's own category; they are ranked by `osa_distance()` (at most
    `MAX_DISTANCE`) plus `OTHER_CATEGORY_COST` for another category, then
    codes of the same category first, then code order.
    """
    flat = _flat(code)
    if len(flat) < 3 or not flat.isalnum():
        return ()
    candidates = {dotted(c) for c in _single_edits(flat) if len(c) >= 3}
    found = {c for c in candidates if ds.is_billable(c)}
    found.update(_category_codes(ds, flat[:3]))
    found.discard(dotted(flat))
    scored = []
    for cand in found:
        dist = osa_distance(flat, _flat(cand))
        if dist <= MAX_DISTANCE:
            other = cand[:3] != flat[:3]
            scored.append((dist + (OTHER_CATEGORY_COST if other else 0.0), other, cand))
    scored.sort()
    return tuple(c for _, _, c in scored[:limit])


# -- year facts --------------------------------------------------------------------------


def _span(before: int, after: int) -> str:
    """When a change between two packaged years took effect, as precisely as they show."""
    if after == before + 1:
        return f"on October 1, {before} (the start of FY{after})"
    gap = f"FY{before + 1}" if after - before == 2 else f"FY{before + 1}-FY{after - 1}"
    return f"between FY{before} and FY{after} ({gap} not packaged)"


def _status(registry: DatasetRegistry | None, ds: Dataset, code: str) -> dict[int, bool]:
    """Fiscal year -> billable, for every packaged year (and ``ds``'s) in which it exists."""
    out: dict[int, bool] = {}
    if ds.is_valid(code):
        out[ds.info.fiscal_year] = ds.is_billable(code)
    if registry is None:
        return out
    history = registry.history()  # the packaged years' answers, without loading them
    own_valid = ds.info.fiscal_year in out
    for fy in registry.fiscal_years():
        if fy == ds.info.fiscal_year:
            continue
        other = registry.for_fiscal_year(fy)  # not loaded until asked
        state = None if history is None else history.state(other.info, code, ds.info, own_valid)
        if state is None:
            if other.is_valid(code):
                out[fy] = other.is_billable(code)
        elif state != ABSENT:
            out[fy] = state == BILLABLE
    return out


def billable_in(ds: Dataset, registry: DatasetRegistry | None, code: str) -> tuple[int, ...]:
    """The fiscal years, of ``ds`` and of every packaged dataset, in which ``code`` is
    billable: what the verdict reads its year facts from (``cleanclaim code`` lists them).

    :param ds: the dataset of the date asked about.
    :param registry: the packaged and installed datasets (None: ``ds`` alone).
    :param code: the code, dotted and normalised.
    """
    return tuple(sorted(fy for fy, billable in _status(registry, ds, code).items() if billable))


def _years(registry: DatasetRegistry | None, ds: Dataset) -> list[int]:
    years = set(registry.fiscal_years()) if registry is not None else set()
    years.add(ds.info.fiscal_year)
    return sorted(years)


def _title(ds: Dataset, code: str) -> str:
    desc = ds.description(code)
    return f"{code} ({desc})" if desc else code


def _with_seventh(ds: Dataset, stem: str) -> tuple[str, ...]:
    padded = pad_stem(stem)
    return tuple(padded + char for char in sorted(ds.seventh_characters(stem)))


def _descendants(ds: Dataset, code: str) -> tuple[str, ...]:
    return tuple(ds.billable_descendants(code)[:MAX_SUGGESTIONS])


def _under_prefix(ds: Dataset, code: str) -> tuple[str, ...]:
    """The billable codes under the longest prefix of ``code`` that is a code of ``ds``."""
    flat = _flat(code)
    for cut in range(len(flat) - 1, 2, -1):
        prefix = dotted(flat[:cut])
        if ds.is_valid(prefix):
            return _descendants(ds, prefix)
    return ()


def _near(ds: Dataset, code: str) -> tuple[str, ...]:
    """Typo suggestions; failing those, the billable codes under the longest valid prefix."""
    return nearest(ds, code) or _under_prefix(ds, code)


def _predecessors(ds: Dataset, code: str) -> tuple[str, ...]:
    """For a code not yet effective: the code it was carved from first (M54.50 <- M54.5,
    billable before the split), then typo suggestions."""
    return tuple(dict.fromkeys(_under_prefix(ds, code) + nearest(ds, code)))[:MAX_SUGGESTIONS]


# -- the explainer -----------------------------------------------------------------------


def explain(
    ds: Dataset,
    registry: DatasetRegistry | None,
    code: str,
    claim_year: int | None = None,
) -> Explanation:
    """The verdict on ``code`` (dotted) for a date of service in ``claim_year``.

    ``ds`` is the dataset the claim is checked against; ``claim_year`` defaults to its
    fiscal year.  When the registry does not package ``claim_year`` (a fallback year), the
    packaged years on either side of it decide.
    """
    return _explain_cached(ds, registry, code, claim_year or ds.info.fiscal_year)


@lru_cache(maxsize=65536)
def _explain_cached(
    ds: Dataset, registry: DatasetRegistry | None, code: str, claim_year: int
) -> Explanation:
    if claim_year == ds.info.fiscal_year or registry is None:
        return _in_year(ds, registry, code)
    packaged = registry.fiscal_years()
    if claim_year in packaged:
        return _in_year(registry.for_fiscal_year(claim_year), registry, code)
    return _between(registry, code, claim_year)


def _between(registry: DatasetRegistry, code: str, year: int) -> Explanation:
    """A claim in an unpackaged fiscal year, judged by the packaged years either side."""
    packaged = registry.fiscal_years()
    lower = max((fy for fy in packaged if fy < year), default=None)
    upper = min((fy for fy in packaged if fy > year), default=None)
    sides = [registry.for_fiscal_year(fy) for fy in (lower, upper) if fy is not None]
    billable = [side.is_billable(code) for side in sides]
    if all(billable):
        return OK
    names = " and ".join(f"FY{side.info.fiscal_year}" for side in sides)
    if any(billable):
        said = "; ".join(
            f"{'billable' if ok else ('a header' if side.is_valid(code) else 'not a code')} "
            f"in FY{side.info.fiscal_year}"
            for side, ok in zip(sides, billable, strict=True)
        )
        return Explanation(
            "uncertain",
            f"{code} is {said}. The date of service is in FY{year}, which is not packaged, "
            f"so whether {code} is valid on that date cannot be decided from these data: "
            f"check it against the FY{year} code set.",
            (),
            severity="warning",
            exists_in=tuple(sorted(_status(registry, sides[0], code))),
        )
    base = _in_year(sides[0], registry, code)
    keep = tuple(s for s in base.suggestions if all(side.is_billable(s) for side in sides))
    return Explanation(
        base.kind,
        f"{base.message} (The date of service is in FY{year}, which is not packaged; "
        f"judged by {names}, the packaged years either side of it.)",
        keep,
        base.severity,
        base.exists_in,
    )


def _in_year(ds: Dataset, registry: DatasetRegistry | None, code: str) -> Explanation:
    """The verdict on ``code`` for a date of service in the fiscal year of ``ds``."""
    if ds.is_billable(code):
        return OK
    year = ds.info.fiscal_year
    status = _status(registry, ds, code)
    exists_in = tuple(sorted(status))
    info = ds.lookup(code)
    if info is not None:
        if info.requires_seventh:
            return Explanation(
                "seventh-missing",
                f"{_title(ds, code)} needs a 7th character (guideline I.A.5); "
                "without it the code is incomplete and invalid.",
                _with_seventh(ds, code),
                exists_in=exists_in,
            )
        was_billable = [fy for fy, billable in status.items() if billable and fy < year]
        if was_billable and max(was_billable) == year - 1:
            # Made a header by this very release (D69.1 on 2026-10-01): the code is a
            # header today, and the coder needs the new codes beneath it (ICD102).
            return Explanation(
                "header",
                f"{_title(ds, code)} became a category header on October 1, {year - 1} "
                f"(the start of FY{year}); it was billable until September 30, {year - 1}. "
                "Report the more specific code the documentation supports "
                "(guideline I.B.2).",
                _descendants(ds, code),
                exists_in=exists_in,
            )
        if was_billable:
            # Billable in an older release only (M54.5, billable in FY2021): the code is
            # no longer valid on the date of service as billed, an ICD101 finding.
            last = max(was_billable)
            after = min(fy for fy in status if fy > last)
            return Explanation(
                "expanded",
                f"{code} ({info.description}) is not a billable code in FY{year}, the fiscal "
                f"year of the date of service: it was billable in FY{last} and was expanded "
                f"into more specific codes {_span(last, after)}; report the one the "
                "documentation supports.",
                _descendants(ds, code),
                exists_in=exists_in,
            )
        return Explanation(
            "header",
            f"{_title(ds, code)} is a category header, not a billable code "
            "(guideline I.B.2: report the most specific code available).",
            _descendants(ds, code),
            exists_in=exists_in,
        )
    flat = _flat(code)
    repaired = placeholder_completions(flat, ds.is_billable)
    if repaired:
        return Explanation(
            "placeholder-missing",
            f"{code} lacks the placeholder X (guideline I.A.4): a code with a 7th character "
            f"must have 6 characters before it; did you mean {repaired[0]}?",
            repaired,
            exists_in=exists_in,
        )
    if len(flat) == 7:
        stem = dotted(flat[:6])
        stem_info = ds.lookup(stem)
        if stem_info is not None and stem_info.requires_seventh:
            valid = ds.seventh_characters(stem)
            listed = ", ".join(f"{c} ({d})" for c, d in sorted(valid.items()))
            return Explanation(
                "seventh-invalid",
                f"7th character {flat[6]!r} is not valid for {_title(ds, stem)}; "
                f"valid 7th characters: {listed}.",
                _with_seventh(ds, stem),
                exists_in=exists_in,
            )
    years = _years(registry, ds)
    older = [fy for fy in status if fy < year]
    newer = [fy for fy in status if fy > year]
    if older:
        last = max(older)
        gone = min(fy for fy in years if fy > last)
        return Explanation(
            "deleted",
            f"{code} was deleted {_span(last, gone)}: it is a code in FY{last} but not in "
            f"FY{year}, the fiscal year of the date of service (no grace period applies to "
            "deleted codes).",
            _replacements(ds, code),
            exists_in=exists_in,
        )
    if newer:
        first = min(newer)
        absent = max(fy for fy in years if fy < first)
        return Explanation(
            "not-yet",
            f"{code} is not yet effective on the date of service (FY{year}): it was added "
            f"{_span(absent, first)}.",
            _predecessors(ds, code),
            exists_in=exists_in,
        )
    near = _near(ds, code)
    hint = f" Did you mean {', '.join(near[:3])}?" if near else ""
    listed = ", ".join(f"FY{fy}" for fy in years)
    return Explanation(
        "unknown",
        f"{code} is not an ICD-10-CM code in FY{year} nor in any packaged year ({listed}).{hint}",
        near,
    )


def _replacements(ds: Dataset, code: str) -> tuple[str, ...]:
    """Codes of the dataset that most plausibly replaced a deleted ``code``."""
    below = _descendants(ds, code) if ds.is_valid(code) else ()
    return below or _under_prefix(ds, code) or nearest(ds, code)
