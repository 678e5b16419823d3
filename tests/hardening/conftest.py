"""The hardening tests' engine: the installed one (kernel and bundled plugins), built once."""

from __future__ import annotations

import pytest

from cleanclaim.engine import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The installed engine (kernel rules and the bundled plugins), built once."""
    return Engine.build()
