"""DC107 (medicare-noncovered-gy): A chiropractor's service that Medicare never pays
(98943, exams, X-rays, therapies) billed without GY.

The rule's options model (if it has options), its check and its `Rule`, side by side.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from pydantic import Field

from cleanclaim.context import ClaimContext
from cleanclaim.models import Severity, normalize_specialty
from cleanclaim.options import RuleOptions
from cleanclaim.rule import Hit, Rule
from cleanclaim_chiropractic.rules.common import (
    _DEFAULTS,
    MEDICARE_ONLY,
    _claim,
)

#: the therapy discipline modifiers (physical, occupational, speech-language therapy).
THERAPY_MODIFIERS = frozenset({"GP", "GO", "GN"})
THERAPY_MODIFIER_REFERENCE = (
    "Medicare Claims Processing Manual (Pub 100-04) ch. 5 §20.1 (GP/GO/GN: services under "
    "a therapy plan of care); Pub 100-02 ch. 15 §240.1.1 (a chiropractor is paid for manual "
    "manipulation of the spine only)"
)


class NoncoveredGyOptions(RuleOptions):
    """DC107's options (defaults from ``data/policy.toml``, with their sources)."""

    covered_procedures: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC107"]["covered_procedures"]),
        description=("Codes Medicare pays a chiropractor for (no GY needed)."),
    )
    noncovered_procedures: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC107"]["noncovered_procedures"]),
        description=("Codes that need GY when the specialty is chiropractic or not given."),
    )
    specialties: tuple[str, ...] = Field(
        tuple(_DEFAULTS["DC107"]["specialties"]),
        description=("Claim specialties that mean the biller is a chiropractor."),
    )
    modifier: str = Field(
        _DEFAULTS["DC107"]["modifier"],
        description=("The modifier expected on non-covered lines (GY)."),
    )

    # What the check compares against, as sets: computed once per options object.
    @cached_property
    def covered(self) -> frozenset[str]:
        return frozenset(self.covered_procedures)

    @cached_property
    def noncovered(self) -> frozenset[str]:
        return frozenset(self.noncovered_procedures)

    @cached_property
    def billed_by(self) -> frozenset[str]:
        return frozenset(normalize_specialty(x) for x in self.specialties)


def check_noncovered_gy(ctx: ClaimContext, options: NoncoveredGyOptions) -> Iterator[Hit]:
    """Medicare: services a chiropractor bills other than spinal CMT need GY."""
    modifier, covered_codes = options.modifier, options.covered
    noncovered, specialties = options.noncovered, options.billed_by
    specialty = ctx.specialty  # the claim's, or inferred from its CMT codes
    by_chiropractor = specialty in specialties
    inferred = by_chiropractor and not ctx.claim.specialty
    for index, line in enumerate(ctx.lines):
        code = line.procedure
        therapy = sorted(ctx.line_modifiers[index] & THERAPY_MODIFIERS)
        if by_chiropractor and therapy:
            # GP/GO/GN say "furnished under a therapy plan of care", which a chiropractor
            # cannot establish: it contradicts GY, so the claim must not pass with both.
            yield Hit(
                message=(
                    f"{code} carries {', '.join(therapy)}, which marks a service furnished "
                    "under a physical, occupational or speech therapy plan of care; a "
                    f"chiropractor's claim has none: remove {', '.join(therapy)}"
                    + (f" and keep {modifier}." if code not in covered_codes else ".")
                ),
                location=f"lines[{index}].modifiers",
                codes=(code, *therapy),
                suggestions=(modifier,) if code not in covered_codes else (),
                reference=THERAPY_MODIFIER_REFERENCE,
                severity="warning",
            )
        if modifier in ctx.line_modifiers[index]:
            continue
        guessed: Severity | None = None
        if code in noncovered and (specialty is None or by_chiropractor):
            why = "is not a Medicare benefit when a chiropractor bills it"
        elif by_chiropractor and code not in covered_codes:
            why = "is not payable by Medicare to a chiropractor (only spinal manipulation is)"
            if inferred:
                # the claim gives no specialty; its CMT lines make it look like a
                # chiropractor's, which is likely, not certain: a warning.
                why = (
                    "is not payable by Medicare to a chiropractor, and this claim bills "
                    "chiropractic manipulation with no specialty given"
                )
                guessed = "warning"
        else:
            continue
        yield Hit(
            message=(
                f"{code} {why}: add {modifier} so it is processed as a non-covered service "
                f"(with GX too when a voluntary ABN was given)."
            ),
            severity=guessed,
            location=f"lines[{index}].modifiers",
            codes=(code,),
            suggestions=(modifier,),
        )


DC107 = Rule(
    id="DC107",
    name="medicare-noncovered-gy",
    summary=(
        "A chiropractor's service that Medicare never pays (98943, exams, X-rays, "
        "therapies) billed without GY."
    ),
    why=(
        "Medicare pays a chiropractor only for spinal manipulation (98940-98942); "
        "extraspinal CMT 98943 and everything else a DC bills are not a benefit and "
        "take GY (plus GX with a voluntary ABN). 98943 is checked when the claim's "
        "specialty is chiropractic or absent; other codes only when it is "
        "chiropractic. All dates. " + MEDICARE_ONLY
    ),
    example="line 98943 without GY on a chiropractic claim to Medicare.",
    fix="Add GY (and GX when a voluntary ABN was given): 98943-GY.",
    reference=(
        "NGS Medicare 'Chiropractic Services'; SSA POMS HI 00610.080; Pub 100-02 Ch.15 §240"
    ),
    check=check_noncovered_gy,
    enabled_by_default=False,
    groups=("chiropractic", "medicare", "modifiers"),
    options=NoncoveredGyOptions,
    example_claim=_claim(
        diagnoses=["M99.07", "M25.511"],
        lines=[{"procedure": "98943", "modifiers": [], "diagnosis_pointers": [1, 2]}],
        documentation={},
    ),
)
