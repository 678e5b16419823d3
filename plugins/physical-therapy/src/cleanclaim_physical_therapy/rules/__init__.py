"""The physical-therapy rules PT101-PT107, one module per rule.

Policy (which codes are timed, the KX amounts, which payer needs what and from when) is
data in ``data/*.toml``; the rule modules only apply it to one claim.  Payer scope is set
by payer overrides (``data/payer_overrides.toml``), never by comparing payer ids here.
"""

from __future__ import annotations

from cleanclaim.rule import Rule

from cleanclaim_physical_therapy.rules.common import units_for
from cleanclaim_physical_therapy.rules.pt101 import PT101
from cleanclaim_physical_therapy.rules.pt102 import PT102
from cleanclaim_physical_therapy.rules.pt103 import PT103, distribute
from cleanclaim_physical_therapy.rules.pt104 import PT104
from cleanclaim_physical_therapy.rules.pt105 import PT105
from cleanclaim_physical_therapy.rules.pt106 import PT106
from cleanclaim_physical_therapy.rules.pt107 import PT107

RULES: tuple[Rule, ...] = (PT101, PT102, PT103, PT104, PT105, PT106, PT107)

__all__ = [
    "PT101",
    "PT102",
    "PT103",
    "PT104",
    "PT105",
    "PT106",
    "PT107",
    "RULES",
    "distribute",
    "units_for",
]
