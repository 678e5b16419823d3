"""The hermetic engine (kernel rules + this plugin) shared by every test."""

from __future__ import annotations

import pytest
from cleanclaim.engine import Engine

import cleanclaim_physical_therapy.plugin as plugin


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.build(plugins=[plugin], installed=False, strict=True)
