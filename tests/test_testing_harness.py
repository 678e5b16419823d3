"""The shared case harness (``cleanclaim.testing``) checks every expectation it is given.

Plugin authors run their YAML/JSON cases through it, so an expectation it silently ignored
would let a case pass that should fail.
"""

from __future__ import annotations

from cleanclaim.testing import check_report

REPORT = {
    "status": "error",
    "findings": [
        {"rule": "CLM202", "severity": "info", "codes": ["97112"], "source": "core"},
        {"rule": "ICD102", "severity": "error", "codes": ["D69.1"], "source": "core"},
    ],
}


def test_not_findings_fails_when_a_finding_matches() -> None:
    problems = check_report(REPORT, {"not_findings": [{"rule": "ICD102", "severity": "error"}]})
    assert problems == ["unexpected finding ICD102 (error)"]


def test_not_findings_passes_when_only_other_severities_match() -> None:
    assert check_report(REPORT, {"not_findings": [{"rule": "CLM202", "severity": "error"}]}) == []
