"""``mkdocs build --strict`` passes: no broken link, missing page or API reference error.

Needs mkdocs, mkdocs-material and mkdocstrings (the repository's .venv and tox's ``docs``
environment have them; tox's ``tests`` environment does not, and the test is skipped there
because the ``docs`` environment runs the same build).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("mkdocs", "material", "mkdocstrings")),
    reason="mkdocs, mkdocs-material or mkdocstrings not installed (tox -e docs builds the site)",
)
def test_strict_build(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert (tmp_path / "site" / "rules" / "ICD104" / "index.html").is_file()


def test_nav_lists_every_plugin_page() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs" / "plugins").glob("*.md")):
        assert f"plugins/{page.name}" in nav, f"docs/plugins/{page.name} is not in the nav"
