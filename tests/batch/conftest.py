"""Shared fixtures: one engine with the installed plugins, and a small synthetic file."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanclaim.engine import Engine
from cleanclaim.synth import generate_lines


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.build()


@pytest.fixture(scope="session")
def claims_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 claims (3 chunks and a bit) with malformed records, a truncated one among them."""
    path = tmp_path_factory.mktemp("batch") / "claims.jsonl"
    lines = list(generate_lines(600, 11, malformed_rate=0.05))
    lines.insert(10, "")  # blank lines are skipped but still counted
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
