"""Compiled ICD-10-CM reference data for cleanclaim.

The version lives in the ``VERSION`` file next to this module (as tzdata does) so that the
build backend, the package and the data all read one value and cannot drift apart.
"""

from __future__ import annotations

from importlib.resources import files

__all__ = ["DATA_VERSION", "__version__"]

DATA_VERSION: str = (files(__name__) / "VERSION").read_text(encoding="ascii").strip()
__version__: str = DATA_VERSION
