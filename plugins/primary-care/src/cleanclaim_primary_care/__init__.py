"""cleanclaim plugin for primary care (E/M, modifier 25, trigger points, G2211, back pain)."""

from __future__ import annotations

__version__ = "0.1.0"
PLUGIN_NAME = "primary-care"
DATA_PACKAGE = __name__
