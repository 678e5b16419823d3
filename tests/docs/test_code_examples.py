"""The Python examples in the documentation run.

Every ```python block of docs/**/*.md is executed from the repository root (each page's
blocks in order, sharing one namespace, as a reader would paste them), except blocks
preceded by a ``<!-- no-test -->`` comment: fragments with ``...`` that cannot run alone.
Generated pages (docs/rules, docs/reference/schemas) hold no Python.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"(<!-- no-test -->\s*\n)?```python\n(.*?)^```", re.S | re.M)


def python_blocks(text: str) -> list[str]:
    return [m.group(2) for m in BLOCK.finditer(text) if not m.group(1)]


PAGES = sorted(p for p in DOCS.rglob("*.md") if python_blocks(p.read_text(encoding="utf-8")))


def test_extraction_honours_no_test() -> None:
    text = "```python\nx = 1\n```\n<!-- no-test -->\n```python\nboom(\n```\n"
    assert python_blocks(text) == ["x = 1\n"]


def test_pages_have_examples() -> None:
    names = {str(p.relative_to(DOCS)) for p in PAGES}
    assert {"index.md", "getting-started.md", "guides/writing-a-plugin.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, block in enumerate(python_blocks(page.read_text(encoding="utf-8")), start=1):
        # dont_inherit: a reader's pasted code has no `from __future__ import annotations`
        # (this module's would turn a pydantic model's annotations into strings).
        where = f"{page.relative_to(ROOT)} (python block {number})"
        code = compile(block, where, "exec", dont_inherit=True)
        exec(code, namespace)
