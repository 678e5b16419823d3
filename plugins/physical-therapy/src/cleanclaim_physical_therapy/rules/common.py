"""What the physical-therapy rules share: tags, modifiers, the example claims' parts and
small helpers.  Each rule is in its own module (``pt101.py`` ... ``pt107.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import DiagnosisPattern

#: specialties on whose claims the therapy-billing rules never speak: a chiropractor bills
#: no therapy plan of care (Medicare does not cover a chiropractor's therapy, DC107 asks
#: for GY instead of GP), is not subject to the therapy KX threshold and has no PTA.
NOT_FOR = frozenset({"chiropractic"})

ALWAYS_THERAPY = "always-therapy"
DISCIPLINE_MODIFIERS = ("GP", "GO", "GN")
OTHER_DISCIPLINES = frozenset({"GO", "GN"})
INJURY_CHAPTER = DiagnosisPattern.parse("S00-T88")

#: Complete documentation for the example claims, so each example shows only its own rule.
_EXAMPLE_DOCUMENTATION: dict[str, Any] = {
    "site": "lumbar",
    "onset": "acute",
    "trauma": False,
    "objective_findings": ["palpable paraspinal muscle guarding L3-L5"],
    "treatment_rationale": "therapeutic exercise to restore lumbar range of motion",
}

#: The line of the example claims: 97110 with GP, 2 units for 30 minutes.
_EXAMPLE_LINE: dict[str, Any] = {
    "procedure": "97110",
    "modifiers": ["GP"],
    "units": 2,
    "minutes": 30,
    "diagnosis_pointers": [1],
}


def _example(
    line: dict[str, Any] | None = None,
    documentation: dict[str, Any] = _EXAMPLE_DOCUMENTATION,
    **claim: Any,
) -> dict[str, Any]:
    """A clean Medicare therapy claim for M62.830, changed only where an example shows its
    rule (a line field set to None is left out)."""
    merged = {**_EXAMPLE_LINE, **(line or {})}
    return {
        "date_of_service": "2026-05-12",
        "payer": "medicare",
        "diagnoses": ["M62.830"],
        "lines": [{k: v for k, v in merged.items() if v is not None}],
        "documentation": documentation,
        **claim,
    }


# --------------------------------------------------------------------------- helpers


def units_for(minutes: int, unit: int = 15) -> int:
    """Units that ``minutes`` earn with the 8-minute breakpoints (8-22 -> 1, 23-37 -> 2...).

    A unit counts once more than half of it was furnished: 8 of 15 minutes.
    """
    full, rest = divmod(minutes, unit)
    return full + (1 if rest * 2 > unit else 0)


def _label(ctx: ClaimContext, code: str) -> str:
    label = ctx.label(code)
    return f"{code} ({label})" if label else code


def _is_pt_line(ctx: ClaimContext, index: int) -> bool:
    """An always-therapy line not marked for another discipline's plan of care only."""
    mods = ctx.line_modifiers[index]
    return "GP" in mods or not (mods & OTHER_DISCIPLINES)


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}".replace(".00", "")
