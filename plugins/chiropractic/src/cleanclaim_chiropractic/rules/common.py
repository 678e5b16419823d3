"""What the chiropractic rules share: constants, helpers and the example claims' parts.

Each rule is in its own module beside this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rulekit import read_data
from cleanclaim_chiropractic.regions import (
    PACKAGE,
)

MEDICARE_ONLY = (
    "Off by default; the plugin's `medicare` payer override switches it on "
    "(and its `commercial` override keeps it off)."
)


@cache
def policy() -> dict[str, dict[str, Any]]:
    """Default options per rule id, from ``data/policy.toml``."""
    return read_data(PACKAGE, "data/policy.toml")


#: the options' defaults, by rule id: data with its sources, read once at import.
_DEFAULTS = policy()


def _codes(ctx: ClaimContext, lines: Sequence[int]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ctx.lines[i].procedure for i in lines))


def _region_list(regions: Sequence[str]) -> str:
    return ", ".join(regions) if regions else "none"


def _claim(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "claim_id": "DC-EXAMPLE",
        "date_of_service": "2026-05-12",
        "payer": "medicare",
        "specialty": "chiropractic",
        "diagnoses": ["M99.03", "M62.830"],
        "lines": [{"procedure": "98940", "modifiers": ["AT"], "diagnosis_pointers": [1, 2]}],
        "documentation": {"spinal_regions": ["lumbar"]},
    }
    base.update(fields)
    return base
