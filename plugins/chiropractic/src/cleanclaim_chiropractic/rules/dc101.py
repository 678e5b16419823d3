"""DC101 (medicare-subluxation-first): Spinal CMT (98940-98942) billed to Medicare whose
first-listed diagnosis is not a subluxation code (M99.00-M99.05 by default).

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule, Scope
from cleanclaim_chiropractic.regions import (
    covered,
    spinal_cmt_lines,
)
from cleanclaim_chiropractic.rules.common import (
    _DEFAULTS,
    MEDICARE_ONLY,
    _claim,
    _codes,
)


class SubluxationFirstOptions(RuleOptions):
    """DC101's options (defaults from ``data/policy.toml``, with their sources)."""

    primary_diagnoses: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC101"]["primary_diagnoses"]),
        description=(
            "Diagnosis patterns accepted first-listed (codes, `code-` or ranges). "
            "Default M99.00-M99.05 (the range Medicare claim edits accept; it "
            "includes M99.00, head region, which is not a CPT spinal region)."
        ),
    )


def check_subluxation_first(ctx: ClaimContext, options: SubluxationFirstOptions) -> Iterator[Hit]:
    """Medicare CMT: the first-listed diagnosis must be a subluxation (M99.00-M99.05)."""
    cmt = spinal_cmt_lines(ctx)
    if not cmt:
        return
    allowed = options.primary_diagnoses
    first = ctx.diagnoses[0]
    if covered(first, allowed):
        return
    elsewhere = tuple(code for code in ctx.diagnoses[1:] if covered(code, allowed))
    codes = _codes(ctx, cmt)
    fix = (
        f"list {elsewhere[0]} first"
        if elsewhere
        else "add the subluxation code of the region manipulated and list it first"
    )
    yield Hit(
        message=(
            f"Medicare pays spinal manipulation ({', '.join(codes)}) only with a subluxation "
            f"({', '.join(allowed)}) as the first-listed diagnosis, but {first} is first: {fix}."
        ),
        location="diagnoses[0]",
        codes=(*codes, first),
        suggestions=elsewhere,
    )


DC101 = Rule(
    id="DC101",
    scope=Scope(procedures=frozenset({"cmt"})),
    name="medicare-subluxation-first",
    summary=(
        "Spinal CMT (98940-98942) billed to Medicare whose first-listed diagnosis is "
        "not a subluxation code (M99.00-M99.05 by default)."
    ),
    why=(
        "Medicare pays a chiropractor only for manipulation of the spine to correct a "
        "subluxation, and claims are edited on the first-listed diagnosis: Medicare "
        "Part B claims with 98940-98942 are rejected unless the first diagnosis is "
        "in M99.00-M99.05. MAC lists vary, hence the option. Holds from 2015-10-01 "
        "(ICD-10-CM). " + MEDICARE_ONLY
    ),
    example="diagnoses [M62.830, M99.03], line 98940-AT to Medicare.",
    fix="List the subluxation code of the region manipulated first: [M99.03, M62.830].",
    reference=(
        "Medicare Benefit Policy Manual (Pub 100-02) ch. 15 §240.1.2-240.1.4 (the "
        "subluxation as the primary diagnosis); MAC chiropractic LCDs"
    ),
    check=check_subluxation_first,
    enabled_by_default=False,
    groups=("chiropractic", "medicare"),
    options=SubluxationFirstOptions,
    example_claim=_claim(diagnoses=["M62.830", "M99.03"]),
)
