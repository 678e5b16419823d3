"""cleanclaim plugin for outpatient physical therapy claims.

Rules PT101-PT107: discipline (GP) and assistant (CQ) modifiers, timed units against
minutes (the 8-minute rule), the KX threshold, 97014 to Medicare, and the documentation
that back spasm and back pain codes need.  Policy lives in ``data/*.toml``.
"""

from __future__ import annotations

__version__ = "0.1.0"
PACKAGE = "cleanclaim_physical_therapy"

__all__ = ["PACKAGE", "__version__"]
