"""The chiropractic rules, one module per rule: each holds the rule's options model (if it
has options), its check function and its `Rule`, side by side."""

from __future__ import annotations

from cleanclaim.rule import Rule
from cleanclaim_chiropractic.rules.common import policy
from cleanclaim_chiropractic.rules.dc101 import DC101
from cleanclaim_chiropractic.rules.dc102 import DC102
from cleanclaim_chiropractic.rules.dc103 import DC103
from cleanclaim_chiropractic.rules.dc104 import DC104
from cleanclaim_chiropractic.rules.dc105 import DC105
from cleanclaim_chiropractic.rules.dc106 import DC106
from cleanclaim_chiropractic.rules.dc107 import DC107
from cleanclaim_chiropractic.rules.dc108 import DC108

RULES: tuple[Rule, ...] = (DC101, DC102, DC103, DC104, DC105, DC106, DC107, DC108)


def build_rules() -> list[Rule]:
    """The rules, as the hook returns them."""
    return list(RULES)


__all__ = [
    "DC101",
    "DC102",
    "DC103",
    "DC104",
    "DC105",
    "DC106",
    "DC107",
    "DC108",
    "RULES",
    "build_rules",
    "policy",
]
