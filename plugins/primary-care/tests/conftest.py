"""Fixtures for the primary-care tests; the helpers live in pc_support (a unique name,
so that several plugins' test folders can run in one pytest session)."""

from pc_support import check, engine

__all__ = ["check", "engine"]
