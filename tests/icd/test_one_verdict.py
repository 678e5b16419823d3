"""One verdict: ``cleanclaim code`` and ICD101-ICD103 say the same thing about a code.

Both read `cleanclaim.icd.explain.explain`; this test holds them together from the
outside, through the command's JSON and the engine's report, for the kinds of mistake a
coder makes (typos, headers, deleted and expanded codes, codes not yet effective, a
missing or invalid 7th character, a missing placeholder X), so that neither can drift
into its own wording or its own suggestions again.
"""

from __future__ import annotations

import json

import pytest

from cleanclaim.cli import lookup
from cleanclaim.config import Config
from cleanclaim.engine import Engine
from cleanclaim.icd.explain import REPORTED_BY, kinds_reported_by

#: (code, date of service, the verdict's kind): one or more of every kind a claim can meet.
SAMPLE = [
    ("M62.380", "2026-05-12", "unknown"),  # transposed digits (meant M62.830)
    ("M6283O", "2026-05-12", "unknown"),  # a letter O for a zero, without the dot
    ("M62.8301", "2026-05-12", "unknown"),  # a character too many
    ("Q99.999", "2026-05-12", "unknown"),
    ("M62.83", "2026-05-12", "header"),
    ("S39.01", "2026-05-12", "header"),
    ("M54.5", "2026-05-12", "expanded"),  # billable in FY2021, expanded since
    ("M54.50", "2021-03-01", "not-yet"),
    ("S39.012", "2026-05-12", "seventh-missing"),
    ("S39.012Z", "2026-05-12", "seventh-invalid"),
    ("S13.4A", "2026-05-12", "placeholder-missing"),
    ("T3601A", "2026-05-12", "placeholder-missing"),
    ("S134XA", "2026-05-12", "placeholder-missing"),
    ("M62.830", "2026-05-12", "ok"),
    ("M54.5", "2021-03-01", "ok"),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.build(config=Config(plugins=()))


def desk(capsys: pytest.CaptureFixture[str], code: str, day: str) -> dict[str, object]:
    rc = lookup.main(["code", code, "--date", day, "--format", "json"])
    doc: dict[str, object] = json.loads(capsys.readouterr().out)
    assert rc == (0 if doc.get("billable") else 1)
    return doc


@pytest.mark.parametrize(("code", "day", "kind"), SAMPLE)
def test_the_command_and_the_rules_give_one_verdict(
    capsys: pytest.CaptureFixture[str], engine: Engine, code: str, day: str, kind: str
) -> None:
    doc = desk(capsys, code, day)
    report = engine.check({"date_of_service": day, "diagnoses": [code]})
    findings = [f for f in report.findings if f.rule in {"ICD101", "ICD102", "ICD103"}]
    if kind == "ok":
        assert doc["billable"] is True and "kind" not in doc
        assert findings == []
        return
    assert doc["kind"] == kind
    # exactly one of the three rules reports it: the one the command names
    assert [f.rule for f in findings] == [doc["rule"]] == [REPORTED_BY[kind]]
    (finding,) = findings
    assert finding.message == doc["message"]
    assert finding.suggestions == doc["suggestions"]
    assert finding.suggestions, "every sample mistake has something to report instead"


def test_the_three_rules_share_out_every_kind_once() -> None:
    kinds = [kinds_reported_by(rule) for rule in ("ICD101", "ICD102", "ICD103")]
    assert sum(len(k) for k in kinds) == len(set().union(*kinds)) == len(REPORTED_BY)


def test_the_typo_of_the_issue_is_answered_alike(capsys: pytest.CaptureFixture[str]) -> None:
    # M62.380 for M62.830 (muscle spasm of back): the transposition ranks first in both.
    doc = desk(capsys, "M62.380", "2026-05-12")
    assert isinstance(doc["suggestions"], list) and doc["suggestions"][0] == "M62.830"
