"""The DOMAIN.md test cases 17, 18, 20 and 21 as case files (the run_cases.py format).

The same files run through the command line with
``python3 ../shared/tools/run_cases.py plugins/primary-care/tests/cases/*.json``;
here they run through a hermetic engine, with the exit status derived from the report
(1 when any finding is an error, as the CLI does).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.engine import Engine
from cleanclaim.models import Finding

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


def _norm(code: str) -> str:
    return code.replace(".", "").upper()


def _matches(finding: Finding, matcher: dict[str, Any]) -> bool:
    for key in ("rule", "source", "severity"):
        if key in matcher and getattr(finding, key) != matcher[key]:
            return False
    codes = {_norm(c) for c in finding.codes}
    suggestions = {_norm(s) for s in finding.suggestions}
    if any(_norm(c) not in codes for c in matcher.get("codes_include", [])):
        return False
    if any(_norm(s) not in suggestions for s in matcher.get("suggestions_include", [])):
        return False
    wanted = matcher.get("suggestions_any")
    if wanted and not any(_norm(s) in suggestions for s in wanted):
        return False
    message = finding.message.lower()
    return all(w.lower() in message for w in matcher.get("message_contains", []))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case(engine: Engine, path: Path) -> None:
    case = json.loads(path.read_text())
    expect = case["expect"]
    report = engine.check(case["claim"])
    if "exit" in expect:
        assert (1 if report.status == "error" else 0) == expect["exit"], report.findings
    if "status" in expect:
        assert report.status == expect["status"]
    for matcher in expect.get("findings", []):
        assert any(_matches(f, matcher) for f in report.findings), (matcher, report.findings)
    for rule in expect.get("not_rules", []):
        assert not [f for f in report.findings if f.rule == rule]


def test_there_are_cases() -> None:
    assert len(CASES) >= 8
