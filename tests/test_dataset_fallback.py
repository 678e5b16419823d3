"""A date with no packaged dataset is refused, unless the caller asks for a fallback year."""

from __future__ import annotations

import pytest

from cleanclaim.config import Config
from cleanclaim.engine import Engine, InputError

CLAIM = {"claim_id": "F1", "date_of_service": "2024-03-01", "diagnoses": ["M62.830"]}


def test_unpackaged_year_is_refused_naming_the_packaged_years() -> None:
    with pytest.raises(InputError, match=r"fiscal year 2024.*FY2021, FY2025, FY2026"):
        Engine.build(installed=False).check(CLAIM)


def test_fallback_year_is_used_and_said() -> None:
    engine = Engine.build(installed=False, config=Config(fallback_fiscal_year=2025))
    report = engine.check(CLAIM)
    assert report.dataset.fiscal_year == 2025
    assert [f.rule for f in report.findings] == ["ENG002"]
    assert "FY2024" in report.findings[0].message


def test_fallback_is_not_used_when_the_year_is_packaged() -> None:
    engine = Engine.build(installed=False, config=Config(fallback_fiscal_year=2025))
    report = engine.check({**CLAIM, "date_of_service": "2026-03-01"})
    assert report.dataset.fiscal_year == 2026
    assert report.findings == []
