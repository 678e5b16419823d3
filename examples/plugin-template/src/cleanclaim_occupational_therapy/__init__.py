"""Example cleanclaim plugin for outpatient occupational therapy (the plugin template).

Rules OT101 (an OT evaluation, or a therapy line of an occupational therapy claim, without
the GO discipline modifier: Medicare) and OT102 (documentation an OT evaluation needs).
Policy lives in ``data/*.toml``; the rules in :mod:`cleanclaim_occupational_therapy.rules`.
"""

from __future__ import annotations

__version__ = "0.1.0"
#: the package name, for reading ``data/*.toml`` with importlib.resources.
PACKAGE = "cleanclaim_occupational_therapy"

__all__ = ["PACKAGE", "__version__"]
