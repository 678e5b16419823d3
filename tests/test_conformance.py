"""Every shared conformance case, through the real command line.

tests/conformance is a copy of ../shared/conformance; test_copy_in_step fails when the
shared folder (when present beside the checkout) has cases the copy lacks or differs from.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from cleanclaim.testing import case_files, load_case, run_case_cli

HERE = Path(__file__).parent / "conformance"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "conformance"
CASES = case_files(HERE / "kernel", HERE / "plugins")
# The installed console script, exactly as a user runs it (the one beside this interpreter).
_BESIDE = Path(sys.executable).parent / "cleanclaim"
COMMAND = [str(_BESIDE) if _BESIDE.exists() else (shutil.which("cleanclaim") or "cleanclaim")]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_case(path: Path) -> None:
    assert run_case_cli(load_case(path), COMMAND) == []


def test_cases_exist() -> None:
    assert len(CASES) >= 16


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared beside this checkout")
def test_copy_in_step() -> None:
    for shared in SHARED.glob("*/*.json"):
        copy = HERE / shared.parent.name / shared.name
        assert copy.is_file(), f"{shared.name} is missing from tests/conformance"
        assert copy.read_bytes() == shared.read_bytes(), f"{shared.name} differs"
