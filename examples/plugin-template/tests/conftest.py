"""The hermetic engine (kernel rules + this plugin only) that the tests share."""

from __future__ import annotations

import pytest
from cleanclaim.engine import Engine

import cleanclaim_occupational_therapy.plugin as plugin


@pytest.fixture(scope="session")
def engine() -> Engine:
    # installed=False: whatever else is installed cannot change these results.
    # strict=True: a malformed contribution fails the build instead of being logged.
    return Engine.build(plugins=[plugin], installed=False, strict=True)
