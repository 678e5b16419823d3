"""cleanclaim: check outpatient medical claims before they reach a payer.

The public API for embedding is small: build an `Engine` once, then call
``engine.check(claim)`` for each claim.  Everything else a vendor needs (models,
contributions for plugin authors) is importable from the modules named in the docs.
"""

from __future__ import annotations

import logging
from pathlib import Path

#: The single source of the version (tzdata style); pyproject.toml reads the same file.
#: Read as a plain file rather than through importlib.metadata, which costs ~50 ms at import.
__version__ = (Path(__file__).parent / "VERSION").read_text(encoding="ascii").strip()

# A library's logger stays silent until the application configures logging: the records
# (plugins loaded and failed, datasets, fallbacks; never a claim's content) go wherever a
# vendor's pipeline sends the "cleanclaim" logger.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
