"""Fail when a page of the built documentation site shows a raw Sphinx role or an
unresolved cross-reference.

mkdocstrings renders docstrings as Markdown: a ``:class:`Engine``` written for Sphinx
reaches the reader as those characters, and a ``[`Engine`][cleanclaim.engine.Engine]``
whose target is not rendered stays literal too.  ``mkdocs build --strict`` catches the
second only when autorefs warns, so this reads every page of the site as a reader sees
it (the text, without the markup).

Usage::

    python scripts/check_site.py SITE_DIR     # exit 1 naming each page and what it shows
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj|py:\w+):`")
#: a Markdown reference link that did not become a link: [`X`][target] or [X][target]
UNRESOLVED = re.compile(r"\[[^\]\n]{1,120}\]\[[\w.:-]{2,200}\]")
TAG = re.compile(r"<[^>]+>")
SKIP = re.compile(r"<(script|style|pre)\b.*?</\1>", re.S)


def problems(site: Path) -> list[str]:
    """``page: what it shows`` for every raw role or unresolved reference in ``site``."""
    found: list[str] = []
    pages = sorted(site.rglob("*.html"))
    if not pages:
        return [f"{site}: no HTML pages (was the site built?)"]
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        if "<autoref" in raw or "autoref-unresolved" in raw:
            found.append(f"{page.relative_to(site)}: an unresolved cross-reference (autoref)")
        text = html.unescape(TAG.sub("", SKIP.sub("", raw)))
        for pattern, what in ((ROLE, "a raw Sphinx role"), (UNRESOLVED, "an unresolved link")):
            for match in pattern.finditer(text):
                start = max(match.start() - 30, 0)
                context = " ".join(text[start : match.end() + 30].split())
                found.append(f"{page.relative_to(site)}: {what}: ...{context}...")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python scripts/check_site.py SITE_DIR", file=sys.stderr)
        return 2
    found = problems(Path(argv[0]))
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
