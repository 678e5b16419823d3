"""The command-line and configuration references name every verb, flag and key.

They are hand-written (with explanations the code cannot give), so these tests read the
real argument parser and the real Config model and fail when one grows something the
reference does not mention.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cleanclaim.cli import build_parser
from cleanclaim.config import Config

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference"


def _verbs() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_verb_and_flag_is_documented() -> None:
    page = (REFERENCE / "cli.md").read_text(encoding="utf-8")
    verbs = _verbs()
    assert {
        "check",
        "code",
        "search",
        "diff",
        "codes",
        "datasets",
        "plugins",
        "rules",
        "rule",
        "schema",
    } <= set(verbs)
    for verb, parser in verbs.items():
        assert f"\n## {verb}\n" in page, f"verb {verb} has no section in cli.md"
        section = page.split(f"\n## {verb}\n", 1)[1].split("\n## ", 1)[0]
        for action in parser._actions:
            for flag in action.option_strings:
                if flag in ("-h", "--help"):
                    continue
                assert flag in section, f"cleanclaim {verb} {flag} is not documented"


def test_exit_statuses_are_documented() -> None:
    page = (REFERENCE / "cli.md").read_text(encoding="utf-8")
    for status in ("**0**", "**1**", "**2**"):
        assert status in page


def test_every_configuration_key_is_documented() -> None:
    page = (REFERENCE / "configuration.md").read_text(encoding="utf-8")
    keys = [(f.alias or name) for name, f in Config.model_fields.items() if name != "base_dir"]
    assert "ncci-ptp" in keys and "cpt-descriptors" in keys
    for key in keys:
        assert f"| `{key}` |" in page, f"configuration key {key} is not in configuration.md"
