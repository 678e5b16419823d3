"""Every test docs/promises.md names exists: a promise must not point at nothing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROMISES = ROOT / "docs" / "promises.md"
#: `file.py`, `file.py::test_name` or `…::test_name` (the file named just before).
REF = re.compile(r"`((?:[\w/]+\.py)|…)(?:::(\w+))?`")


def _resolve(name: str) -> Path:
    path = ROOT / name if name.startswith("tests/") else ROOT / "tests" / "hardening" / name
    assert path.is_file(), f"docs/promises.md names {name}, which does not exist"
    return path


def test_every_named_test_exists() -> None:
    named = 0
    last: Path | None = None
    for match in REF.finditer(PROMISES.read_text(encoding="utf-8")):
        file_name, test_name = match.groups()
        path = last if file_name == "…" else _resolve(file_name)
        assert path is not None, "'…' with no file named before it"
        last = path
        if test_name:
            source = path.read_text(encoding="utf-8")
            assert re.search(rf"^def {test_name}\(", source, re.M), f"{path.name}::{test_name}"
            named += 1
    assert named >= 20
