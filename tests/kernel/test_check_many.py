"""``Engine.check_many`` goes on past a bad claim, as ``check --batch`` does."""

from __future__ import annotations

from cleanclaim.engine import Engine
from cleanclaim.models import InvalidRecord, Report

ENGINE = Engine.build(installed=False)
GOOD = {"claim_id": "A", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}


def test_a_bad_claim_yields_an_invalid_record_and_the_next_is_checked() -> None:
    claims = [
        GOOD,
        {"claim_id": "B", "date_of_service": "2026-05-12"},  # no diagnoses
        {"claim_id": "C", "date_of_service": "2019-05-12", "diagnoses": ["M62.830"]},  # no data
        {**GOOD, "claim_id": "D"},
    ]
    results = list(ENGINE.check_many(claims))
    assert [type(r) for r in results] == [Report, InvalidRecord, InvalidRecord, Report]
    first, missing, undated, last = results
    assert isinstance(first, Report) and isinstance(last, Report)
    assert (first.claim_id, last.claim_id) == ("A", "D")
    assert isinstance(missing, InvalidRecord) and isinstance(undated, InvalidRecord)
    assert (missing.line, missing.status) == (2, "invalid")
    assert any(e.startswith("diagnoses") for e in missing.errors)
    assert undated.line == 3 and undated.errors[0].startswith("date_of_service")


def test_good_claims_give_the_same_reports_as_check() -> None:
    claims = [GOOD, {**GOOD, "diagnoses": ["M54.5"]}]
    assert list(ENGINE.check_many(claims)) == [ENGINE.check(c) for c in claims]
