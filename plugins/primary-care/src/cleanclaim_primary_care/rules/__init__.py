"""The primary-care rules, one module per rule: each holds the rule's options model (if it
has options), its check function and its `Rule`, side by side."""

from __future__ import annotations

from cleanclaim.rule import Rule
from cleanclaim_primary_care.rules.common import _word_prefilter, _word_regex
from cleanclaim_primary_care.rules.pc101 import PC101
from cleanclaim_primary_care.rules.pc102 import PC102
from cleanclaim_primary_care.rules.pc103 import PC103
from cleanclaim_primary_care.rules.pc104 import PC104
from cleanclaim_primary_care.rules.pc105 import PC105
from cleanclaim_primary_care.rules.pc106 import PC106

RULES: tuple[Rule, ...] = (PC101, PC102, PC103, PC104, PC105, PC106)


def build_rules() -> list[Rule]:
    """The rules, as the hook returns them."""
    return list(RULES)


__all__ = [
    "PC101",
    "PC102",
    "PC103",
    "PC104",
    "PC105",
    "PC106",
    "RULES",
    "_word_prefilter",
    "_word_regex",
    "build_rules",
]
