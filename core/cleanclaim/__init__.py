"""cleanclaim: check outpatient medical claims before they reach a payer.

The public API for embedding is small: build an :class:`Engine` once, then call
``engine.check(claim)`` for each claim.  Everything else a vendor needs (models,
contributions for plugin authors) is importable from the modules named in the docs.
"""

from __future__ import annotations

from pathlib import Path

#: The single source of the version (tzdata style); pyproject.toml reads the same file.
#: Read as a plain file rather than through importlib.metadata, which costs ~50 ms at import.
__version__ = (Path(__file__).parent / "VERSION").read_text(encoding="ascii").strip()

__all__ = ["__version__"]
