"""The one explainer behind ICD101-ICD103 and ``cleanclaim code``.

Year facts are tested on registries made of a chosen subset of the packaged datasets
(symlinked into a temporary folder), so the wording is checked against known gaps between
packaged years, whatever years the package holds when the test runs.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest

from cleanclaim.config import Config
from cleanclaim.engine import Engine
from cleanclaim.icd import DatasetRegistry, diff_datasets
from cleanclaim.icd.explain import explain, nearest, osa_distance

PACKAGED = Path(str(files("cleanclaim_refdata") / "data"))

MakeRegistry = Callable[..., DatasetRegistry]


@pytest.fixture
def registry_of(tmp_path: Path) -> MakeRegistry:
    """A registry holding only the packaged datasets of the given fiscal years."""

    def make(*years: int) -> DatasetRegistry:
        folder = tmp_path / "-".join(map(str, years))
        folder.mkdir()
        packaged = DatasetRegistry.packaged()
        for info in packaged.available():
            if info.fiscal_year in years:
                (folder / info.name).symlink_to(PACKAGED / info.name, target_is_directory=True)
        reg = DatasetRegistry(folder)
        assert reg.fiscal_years() == sorted(years)
        return reg

    return make


# -- typo distance -----------------------------------------------------------------------


def test_osa_distance_counts_a_transposition_as_one_edit() -> None:
    assert osa_distance("M62380", "M62830") == 1
    assert osa_distance("M62830", "M62830") == 0
    assert osa_distance("M6283", "M62830") == 1  # a missing character
    assert osa_distance("S3912XA", "S39012A") == 1.5  # the placeholder X costs half


def test_transposed_digits_suggest_the_intended_code_first(reg: DatasetRegistry) -> None:
    ds = reg.newest()
    assert nearest(ds, "M62.380")[0] == "M62.830"
    verdict = explain(ds, reg, "M62.380")
    assert verdict.kind == "unknown" and verdict.suggestions[0] == "M62.830"
    assert "Did you mean M62.830" in verdict.message


def test_a_missing_digit_with_a_stray_placeholder_is_in_the_top_three(
    reg: DatasetRegistry,
) -> None:
    assert "S39.012A" in nearest(reg.newest(), "S39.12XA")[:3]


def test_suggestions_are_billable_codes_of_that_year_and_never_the_typed_code(
    reg: DatasetRegistry,
) -> None:
    ds = reg.newest()
    near = nearest(ds, "M62.830")
    assert "M62.830" not in near
    assert near and all(ds.is_billable(code) for code in near)
    assert nearest(ds, "Z9") == ()


def test_missing_seventh_character_suggestions_are_unchanged(reg: DatasetRegistry) -> None:
    verdict = explain(reg.newest(), reg, "S39.012")
    assert verdict.kind == "seventh-missing"
    assert verdict.suggestions == ("S39.012A", "S39.012D", "S39.012S")


# -- year facts from packaged years only --------------------------------------------------


def test_a_code_added_across_a_gap_says_between_never_first_appears(
    registry_of: MakeRegistry,
) -> None:
    reg = registry_of(2021, 2025)
    verdict = explain(reg.for_fiscal_year(2021), reg, "M54.50")
    assert verdict.kind == "not-yet"
    assert "between FY2021 and FY2025" in verdict.message
    assert "FY2022-FY2024 not packaged" in verdict.message
    assert "first appears" not in verdict.message
    assert verdict.suggestions[0] == "M54.5"  # the code it was carved from, valid in FY2021


def test_a_code_added_in_the_next_packaged_year_gives_the_date(
    registry_of: MakeRegistry,
) -> None:
    reg = registry_of(2025, 2026)
    fy2025, fy2026 = reg.for_fiscal_year(2025), reg.for_fiscal_year(2026)
    added = next(c for c in diff_datasets(fy2025, fy2026).added if fy2026.is_billable(c))
    verdict = explain(fy2025, reg, added)
    assert verdict.kind == "not-yet"
    assert "on October 1, 2025 (the start of FY2026)" in verdict.message


def test_expanded_code_names_the_span_of_packaged_years(registry_of: MakeRegistry) -> None:
    reg = registry_of(2021, 2026)
    verdict = explain(reg.for_fiscal_year(2026), reg, "M54.5")
    assert verdict.kind == "expanded"
    assert "billable in FY2021" in verdict.message
    assert "between FY2021 and FY2026 (FY2022-FY2025 not packaged)" in verdict.message
    assert verdict.suggestions == ("M54.50", "M54.51", "M54.59")


def test_a_code_made_a_header_by_this_release_is_a_header(registry_of: MakeRegistry) -> None:
    """D69.1 became a header on 2026-10-01: ICD102's kind, saying since when (k10)."""
    reg = registry_of(2026, 2027)
    verdict = explain(reg.for_fiscal_year(2027), reg, "D69.1")
    assert verdict.kind == "header"
    assert "became a category header on October 1, 2026" in verdict.message
    assert verdict.suggestions == ("D69.11", "D69.19")
    # a year earlier it was billable, so nothing is said
    assert explain(reg.for_fiscal_year(2026), reg, "D69.1").kind == "ok"


# -- a claim year that is not packaged (the fallback) ------------------------------------


def test_fallback_never_advises_a_code_the_packaged_years_disagree_on(
    registry_of: MakeRegistry,
) -> None:
    reg = registry_of(2021, 2025)
    fy2021 = reg.for_fiscal_year(2021)
    # M54.50 is correct on a 2023 claim; FY2021 lacks it, FY2025 has it: no error, no M54.5.
    verdict = explain(fy2021, reg, "M54.50", 2023)
    assert verdict.kind == "uncertain" and verdict.severity == "warning"
    assert "M54.5" not in verdict.suggestions
    assert "FY2023, which is not packaged" in verdict.message
    # M54.5 is billable in FY2021 but a header in FY2025: only a warning either way.
    assert explain(fy2021, reg, "M54.5", 2023).kind == "uncertain"
    # A code billable on both sides is fine.
    assert explain(fy2021, reg, "M62.830", 2023).kind == "ok"


def test_fallback_suggestions_are_billable_on_both_sides(registry_of: MakeRegistry) -> None:
    reg = registry_of(2021, 2025)
    fy2021, fy2025 = reg.for_fiscal_year(2021), reg.for_fiscal_year(2025)
    verdict = explain(fy2021, reg, "M54.509", 2023)
    assert verdict.kind == "unknown"
    assert "M54.5" not in verdict.suggestions
    assert verdict.suggestions
    assert all(fy2021.is_billable(s) and fy2025.is_billable(s) for s in verdict.suggestions)


def test_engine_with_a_fallback_year_warns_instead_of_a_false_error(
    registry_of: MakeRegistry,
) -> None:
    reg = registry_of(2021, 2025)
    engine = Engine.build(installed=False, config=Config(fallback_fiscal_year=2021), datasets=reg)
    claim = {"claim_id": "F", "date_of_service": "2023-03-01", "diagnoses": ["M54.50"]}
    findings = {f.rule: f for f in engine.check(claim).findings}
    assert findings["ICD101"].severity == "warning"
    assert "M54.5" not in findings["ICD101"].suggestions
    claim["diagnoses"] = ["M62.830"]
    assert [f.rule for f in engine.check(claim).findings] == ["ENG002"]
