"""Fixtures: one hermetic engine (kernel rules + this plugin) shared by the tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cleanclaim.engine import Engine

sys.path.insert(0, str(Path(__file__).parent))

from dc_support import build, pinned_engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return build()


@pytest.fixture(scope="session")
def old_engine() -> Engine:
    """An engine whose dataset is pinned to FY2021 for every date (boundary tests)."""
    return pinned_engine()
