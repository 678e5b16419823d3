"""What is wrong with one diagnosis code, shared by ICD101-ICD103.

The verdict comes from `cleanclaim.icd.explain`, the same explainer ``cleanclaim
code`` uses, and is cached across claims per dataset, code and fiscal year of the date of
service: the same hundred codes make up most of a batch.  Exactly one of ICD101 (not
valid), ICD102 (header) and ICD103 (7th character / placeholder) reports a code, so a coder
never sees three findings about one typo.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from cleanclaim.icd import fiscal_year_of
from cleanclaim.icd.explain import MAX_SUGGESTIONS, Explanation, explain
from cleanclaim.rule import Hit

if TYPE_CHECKING:
    from cleanclaim.context import ClaimContext

__all__ = ["MAX_SUGGESTIONS", "Explanation", "hits_of_kinds"]


def hits_of_kinds(ctx: ClaimContext, kinds: frozenset[str]) -> Iterator[Hit]:
    """One hit per diagnosis whose verdict is of ``kinds``: the whole of ICD101-ICD103."""
    year = fiscal_year_of(ctx.day)
    for index, code in enumerate(ctx.diagnoses):
        verdict = explain(ctx.dataset, ctx.registry, code, year)
        if verdict.kind in kinds:
            yield Hit(
                verdict.message,
                f"diagnoses[{index}]",
                (code,),
                verdict.suggestions,
                severity=verdict.severity,
            )
