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
sys.path.insert(0, str(ROOT / "scripts"))
from check_site import problems as site_problems  # noqa: E402


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
    assert site_problems(tmp_path / "site") == []  # no raw :class: role, no dead reference


def _page(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "body",
    [
        "<p>Build an <code>Engine</code> once: :class:`Engine`</p>",
        "<p>see :meth:`Engine.check` and :func:`run_case_engine`</p>",
        "<p>returns [<code>Report</code>][cleanclaim.models.Report]</p>",
        '<p><autoref identifier="cleanclaim.nope">nope</autoref></p>',
    ],
)
def test_the_site_check_finds_raw_roles_and_dead_references(tmp_path: Path, body: str) -> None:
    found = site_problems(_page(tmp_path / "site" / "api", body).parent)
    assert found and all(f.startswith("api/index.html: ") for f in found)


def test_the_site_check_passes_links_and_code_blocks(tmp_path: Path) -> None:
    body = (
        '<p>Build an <a href="engine/#cleanclaim.engine.Engine"><code>Engine</code></a></p>'
        "<pre><code>role = ':class:`X`'  # shown in a code block on purpose</code></pre>"
    )
    assert site_problems(_page(tmp_path / "site", body)) == []


def test_nav_lists_every_plugin_page() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs" / "plugins").glob("*.md")):
        assert f"plugins/{page.name}" in nav, f"docs/plugins/{page.name} is not in the nav"


def test_the_home_page_code_fits_its_box() -> None:
    """Material's content column shows about 75 characters of code before it scrolls."""
    text = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    blocks = text.split("```")[1::2]
    assert blocks
    for block in blocks:
        for line in block.splitlines()[1:]:
            assert len(line) <= 72, line


def test_getting_started_covers_wheels_and_a_clone() -> None:
    text = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    assert "pip install cleanclaim cleanclaim-physical-therapy" in text
    assert "pip install -r requirements.txt" in text
