"""Every hookspec is documented in docs/reference/hooks.md with its exact signature.

The signature is ``inspect.signature`` as written in hookspecs.py (annotations unquoted),
e.g. ``cleanclaim_rules() -> list[Rule]``; renaming a hook, adding a parameter or changing
what it returns without updating the reference page fails here.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from cleanclaim.plugin import hookspecs
from cleanclaim.plugin.host import new_manager

HOOKS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "hooks.md"


def documented_signature(name: str) -> str:
    function = getattr(hookspecs, name)
    return name + str(inspect.signature(function)).replace("'", "")


def hook_names() -> list[str]:
    return sorted(name for name in dir(new_manager().hook) if name.startswith("cleanclaim_"))


def test_there_are_hooks_to_check() -> None:
    assert "cleanclaim_rules" in hook_names() and len(hook_names()) >= 10


def test_every_hook_is_documented_with_its_exact_signature() -> None:
    page = HOOKS_PAGE.read_text(encoding="utf-8")
    for name in hook_names():
        assert f"\n## {name}\n" in page, f"{name} has no section in {HOOKS_PAGE.name}"
        section = page.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        assert f"```\n{documented_signature(name)}\n```" in section, (
            f"{name}: document the signature {documented_signature(name)!r}"
        )


def test_no_documented_hook_is_gone() -> None:
    page = HOOKS_PAGE.read_text(encoding="utf-8")
    assert sorted(re.findall(r"^## (cleanclaim_\w+)$", page, re.M)) == hook_names()
