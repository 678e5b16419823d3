"""cleanclaim plugin for chiropractic manipulative treatment (CMT) claims.

The plugin contributes the CMT codes, the procedure-to-procedure edits between CMT and
manual therapy, the Medicare subluxation, region and modifier rules, and its payer
overrides.  Everything it knows about policy lives in ``data/*.toml`` with a source.
"""

from __future__ import annotations

__version__ = "0.1.0"
PLUGIN_NAME = "chiropractic"

__all__ = ["PLUGIN_NAME", "__version__"]
