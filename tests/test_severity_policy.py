"""The severity policy of docs/concepts/rules.md and the rule catalog agree.

The policy page defines the severities (error, warning, info) with one example rule each;
this keeps every rule's default severity within that vocabulary and each example at the
severity the page gives it, so the page cannot drift from the catalog. Whether a rule's
severity is the *right* judgment is a matter for its own tests and sources, not this one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "concepts" / "rules.md"
_BESIDE = Path(sys.executable).parent / "cleanclaim"
COMMAND = [str(_BESIDE) if _BESIDE.exists() else (shutil.which("cleanclaim") or "cleanclaim")]
# A policy table row: | `error` | means ... | [ICD102](../rules/ICD102.md): ... |
_ROW = re.compile(r"^\| `(\w+)` \| [^|]+ \| \[([A-Z]+\d+)\]\(\.\./rules/\2\.md\)", re.MULTILINE)


def _policy() -> dict[str, str]:
    """Severity -> example rule id, from the policy section of the page."""
    text = PAGE.read_text(encoding="utf-8")
    start = text.index("## Severity policy")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else None]
    return {severity: rule for severity, rule in _ROW.findall(section)}


@cache
def _catalog() -> tuple[dict[str, Any], ...]:
    proc = subprocess.run(
        [*COMMAND, "rules", "--format", "json"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return tuple(json.loads(proc.stdout))


def test_policy_defines_the_three_severities() -> None:
    assert set(_policy()) == {"error", "warning", "info"}


def test_every_rule_severity_is_in_the_policy_vocabulary() -> None:
    vocabulary = set(_policy())
    catalog = _catalog()
    assert len(catalog) >= 40
    outside = {r["id"]: r["severity"] for r in catalog if r["severity"] not in vocabulary}
    assert outside == {}


def test_policy_examples_have_their_severity_in_the_catalog() -> None:
    by_id = {r["id"]: r for r in _catalog()}
    for severity, rule in _policy().items():
        assert rule in by_id, f"the policy's {severity} example {rule} is not in the catalog"
        assert by_id[rule]["severity"] == severity, (rule, by_id[rule]["severity"])
        assert by_id[rule]["enabled_by_default"], f"{rule} is off by default: a poor example"
        assert (ROOT / "docs" / "rules" / f"{rule}.md").is_file()
