"""The occupational therapy rules, one module per rule (``ot101.py``, ``ot102.py``).

Each module holds the rule's options model (if it has options), its check function and
its `Rule`, so a rule is read end to end in one file beside the data it uses.
"""

from __future__ import annotations

from cleanclaim.rule import Rule

from cleanclaim_occupational_therapy.rules.ot101 import OT101
from cleanclaim_occupational_therapy.rules.ot102 import OT102

RULES: tuple[Rule, ...] = (OT101, OT102)

__all__ = ["OT101", "OT102", "RULES"]
