"""DC102 (medicare-supporting-diagnosis): Spinal CMT billed to Medicare with no
neuromusculoskeletal diagnosis besides the subluxation code.

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
    tables,
)
from cleanclaim_chiropractic.rules.common import (
    _DEFAULTS,
    MEDICARE_ONLY,
    _claim,
    _codes,
)


class SupportingDiagnosisOptions(RuleOptions):
    """DC102's options (defaults from ``data/policy.toml``, with their sources)."""

    supporting_diagnoses: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC102"]["supporting_diagnoses"]),
        description=(
            "Diagnosis patterns that count as a supporting neuromusculoskeletal "
            "condition. Default: M40-M54, M60-M63, M79, G54 and "
            "neck/thorax/back/pelvis sprains and strains (S13, S16, S23, S29, S33, "
            "S39); put your MAC's list here."
        ),
    )


def check_supporting_diagnosis(
    ctx: ClaimContext, options: SupportingDiagnosisOptions
) -> Iterator[Hit]:
    """Medicare CMT: a neuromusculoskeletal condition must support the subluxation."""
    cmt = spinal_cmt_lines(ctx)
    if not cmt:
        return
    t = tables()
    supporting = options.supporting_diagnoses
    for code in ctx.diagnoses:
        if not t.is_subluxation(code) and covered(code, supporting):
            return
    codes = _codes(ctx, cmt)
    yield Hit(
        message=(
            f"Spinal manipulation ({', '.join(codes)}) to Medicare lists no neuromusculoskeletal "
            "condition besides the subluxation: add, after the M99.0- code, the condition the "
            "manipulation treats (for example M62.830, M54.50 or S39.012A)."
        ),
        location="diagnoses",
        codes=(*codes, *ctx.diagnoses),
    )


DC102 = Rule(
    id="DC102",
    scope=Scope(procedures=frozenset({"cmt"})),
    name="medicare-supporting-diagnosis",
    summary=(
        "Spinal CMT billed to Medicare with no neuromusculoskeletal diagnosis besides "
        "the subluxation code."
    ),
    why=(
        "The MAC chiropractic policies want the subluxation first and then the "
        "neuromusculoskeletal condition the manipulation treats (§240.1.3: a "
        "significant health problem with a direct therapeutic relationship to the "
        "manipulation). Which conditions count varies by MAC, so this is a warning "
        "with a configurable list. Holds from 2015-10-01. " + MEDICARE_ONLY
    ),
    example="diagnoses [M99.03] only, line 98940-AT to Medicare.",
    fix="Add the condition treated after the subluxation: [M99.03, M62.830].",
    reference=(
        "Medicare Benefit Policy Manual (Pub 100-02) ch. 15 §240.1.3; MAC chiropractic "
        "LCDs such as L37254 (secondary diagnosis tables)"
    ),
    check=check_supporting_diagnosis,
    default_severity="warning",
    enabled_by_default=False,
    groups=("chiropractic", "medicare"),
    options=SupportingDiagnosisOptions,
    example_claim=_claim(
        diagnoses=["M99.03"],
        lines=[{"procedure": "98940", "modifiers": ["AT"], "diagnosis_pointers": [1]}],
    ),
)
