"""Hermetic engines for the urology tests: the kernel's rules plus this plugin only."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import cleanclaim_urology.plugin as urology_plugin
from cleanclaim.config import Config
from cleanclaim.engine import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.build(plugins=[urology_plugin], installed=False, strict=True)


@pytest.fixture(scope="session")
def build_engine() -> Callable[[Config], Engine]:
    def build(config: Config) -> Engine:
        return Engine.build(plugins=[urology_plugin], installed=False, config=config, strict=True)

    return build
