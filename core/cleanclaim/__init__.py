"""cleanclaim: check outpatient medical claims before they reach a payer.

The public API for embedding is small: build an :class:`Engine` once, then call
``engine.check(claim)`` for each claim.  Everything else a vendor needs (models,
contributions for plugin authors) is importable from the modules named in the docs.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cleanclaim")
except PackageNotFoundError:  # running from a checkout without an install
    __version__ = "0.0.0"

__all__ = ["__version__"]
