"""Every shared conformance case, through the real command line.

tests/conformance is a copy of ../shared/conformance; test_copy_in_step fails when the
shared folder (when present beside the checkout) has cases the copy lacks or differs from.

A case that fails today is a *strict* expected failure listed in ``KNOWN_FAILURES`` with
the issue that will fix it: never a skip, so the day the fix lands the case passes, the
strict mark turns that into a failure, and the entry must be removed.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.testing import case_files, load_case, run_case_cli

HERE = Path(__file__).parent / "conformance"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "conformance"
FOLDERS = ("kernel", "plugins", "trust")
CASES = case_files(*(HERE / folder for folder in FOLDERS))
# The installed console script, exactly as a user runs it (the one beside this interpreter).
_BESIDE = Path(sys.executable).parent / "cleanclaim"
COMMAND = [str(_BESIDE) if _BESIDE.exists() else (shutil.which("cleanclaim") or "cleanclaim")]

# Cases that fail today: "<folder>/<file>" -> the issue and the mechanism that fixes it.
# Remove an entry when its fix lands (the strict mark makes a passing case fail).
KNOWN_FAILURES: dict[str, str] = {}

# The expectation keys of shared/conformance/README.md this module checks.
KNOWN_EXPECT_KEYS = {
    "exit",
    "status",
    "findings",
    "not_rules",
    "not_findings",
    "not_sources_with_error",
    "stdout_contains",
    "stderr_contains",
    "no_traceback",
}


def _key(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _params() -> list[Any]:
    params = []
    for path in CASES:
        reason = KNOWN_FAILURES.get(_key(path))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(path, marks=marks, id=_key(path)))
    return params


@pytest.mark.parametrize("path", _params())
def test_case(path: Path) -> None:
    case = load_case(path)
    assert run_case_cli(case, COMMAND) == []


def test_cases_exist() -> None:
    assert len(CASES) >= 24


def test_expectation_keys_are_all_checked() -> None:
    """A key this module does not check would let a case pass without being tested."""
    for path in CASES:
        unknown = set(load_case(path)["expect"]) - KNOWN_EXPECT_KEYS
        assert not unknown, f"{_key(path)}: expectation keys not checked: {sorted(unknown)}"


def test_known_failures_name_real_cases() -> None:
    keys = {_key(path) for path in CASES}
    assert set(KNOWN_FAILURES) <= keys, sorted(set(KNOWN_FAILURES) - keys)
    assert all(reason.startswith("issue #") for reason in KNOWN_FAILURES.values())


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared beside this checkout")
def test_copy_in_step() -> None:
    for shared in SHARED.glob("*/*.json"):
        copy = HERE / shared.parent.name / shared.name
        assert copy.is_file(), f"{_key(shared)} is missing from tests/conformance"
        assert copy.read_bytes() == shared.read_bytes(), f"{_key(shared)} differs"
    assert {p.name for p in SHARED.iterdir() if p.is_dir()} <= set(FOLDERS), (
        "a new folder in shared/conformance: add it to FOLDERS"
    )
