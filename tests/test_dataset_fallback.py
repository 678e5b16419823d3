"""A date no dataset serves is refused, unless the caller asks for a fallback year.

The refusal names what is missing and both ways through (``cleanclaim datasets add``, the
explicit fallback); ENG002 says whether the flag or the configuration asked for it.
"""

from __future__ import annotations

import json
import pickle
import shutil
from datetime import date
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from cleanclaim.config import Config, ConfigError
from cleanclaim.engine import Engine, InputError
from cleanclaim.icd import DatasetRegistry, KnownRelease, NoDatasetError

CLAIM = {"claim_id": "F1", "date_of_service": "2024-03-01", "diagnoses": ["M62.830"]}

#: the April 2023 update as releases.toml records it (injected, so this test does not
#: depend on the packaged list).
APRIL_2023 = KnownRelease(
    release="2023-April",
    fiscal_year=2023,
    april=True,
    effective=date(2023, 4, 1),
    changes_code_set=True,
    summary="42 codes added, 7 deleted (Z59.1 became a header)",
)
OCTOBER_2022 = KnownRelease(
    release="2023",
    fiscal_year=2023,
    april=False,
    effective=date(2022, 10, 1),
    changes_code_set=True,
)


def _registry(*releases: KnownRelease) -> DatasetRegistry:
    return DatasetRegistry(files("cleanclaim_refdata") / "data", releases=releases)


def test_unpackaged_year_is_refused_naming_the_datasets_and_both_ways_through() -> None:
    with pytest.raises(InputError) as err:
        Engine.build(installed=False).check(CLAIM)
    msg = str(err.value)
    assert "fiscal year 2024" in msg
    assert "FY2021 from 2021-01-01, FY2023" in msg
    assert "cleanclaim datasets add" in msg
    assert "--fallback-fy" in msg and "fallback-fiscal-year" in msg


def test_a_code_set_change_not_installed_is_refused_by_name() -> None:
    reg = _registry(OCTOBER_2022, APRIL_2023)
    assert reg.for_date(date(2023, 3, 31)).info.release == "2023"
    with pytest.raises(NoDatasetError) as err:
        reg.for_date(date(2023, 6, 1))
    msg = str(err.value)
    assert "the April 2023 update (42 codes added, 7 deleted) is not installed" in msg
    assert err.value.missing == "the April 2023 update"
    engine = Engine.build(installed=False, datasets=reg)
    with pytest.raises(InputError, match="April 2023 update"):
        engine.check({**CLAIM, "date_of_service": "2023-06-01"})


def test_an_update_that_changed_no_code_lets_its_year_be_served(tmp_path: Path) -> None:
    # a manifest that serves the whole year: the known releases decide whether it may
    with as_file(files("cleanclaim_refdata") / "data" / "icd10cm-fy2023") as src:
        shutil.copytree(src, tmp_path / "icd10cm-fy2023")
    manifest = tmp_path / "icd10cm-fy2023" / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc["serves_to"] = "2023-09-30"
    manifest.write_text(json.dumps(doc))
    unchanged = KnownRelease(
        release="2023-April",
        fiscal_year=2023,
        april=True,
        effective=date(2023, 4, 1),
        changes_code_set=False,
    )
    june = date(2023, 6, 1)
    assert DatasetRegistry(tmp_path, releases=[OCTOBER_2022, unchanged]).for_date(june)
    with pytest.raises(NoDatasetError, match="April 2023 update"):
        DatasetRegistry(tmp_path, releases=[OCTOBER_2022, APRIL_2023]).for_date(june)


def test_the_packaged_releases_refuse_june_2023() -> None:
    reg = DatasetRegistry.packaged()
    with pytest.raises(NoDatasetError, match="April 2023 update"):
        reg.for_date(date(2023, 6, 1))
    assert reg.for_date(date(2023, 3, 31)).info.name == "icd10cm-fy2023"
    with pytest.raises(InputError, match=r"2023-06-01.*the April 2023 update \(42 codes added"):
        Engine.build(installed=False).check({**CLAIM, "date_of_service": "2023-06-01"})


def test_fallback_year_from_the_configuration_is_used_and_said() -> None:
    engine = Engine.build(installed=False, config=Config(fallback_fiscal_year=2025))
    report = engine.check(CLAIM)
    assert report.dataset.fiscal_year == 2025
    assert [f.rule for f in report.findings] == ["ENG002"]
    finding = report.findings[0]
    assert "FY2024" in finding.message
    assert "configuration's fallback-fiscal-year" in finding.message
    assert finding.reference == "configuration: fallback-fiscal-year"


def test_fallback_year_from_the_flag_says_the_flag() -> None:
    config = Config().with_fallback(2023, "--fallback-fy")
    engine = Engine.build(installed=False, config=config, datasets=_registry(APRIL_2023))
    report = engine.check({**CLAIM, "date_of_service": "2023-06-01"})
    assert report.dataset.fiscal_year == 2023
    (finding,) = report.findings
    assert finding.rule == "ENG002"
    assert "--fallback-fy" in finding.message
    assert "the April 2023 update is not installed" in finding.message
    assert finding.reference == "command line: --fallback-fy"
    assert pickle.loads(pickle.dumps(config)).fallback_source == "--fallback-fy"  # to workers


def test_fallback_is_not_used_when_the_year_is_packaged() -> None:
    engine = Engine.build(installed=False, config=Config(fallback_fiscal_year=2025))
    report = engine.check({**CLAIM, "date_of_service": "2026-03-01"})
    assert report.dataset.fiscal_year == 2026
    assert report.findings == []


def test_a_fallback_year_with_no_dataset_is_a_bad_setting() -> None:
    with pytest.raises(ConfigError, match=r"fallback-fiscal-year.*fiscal year 2019"):
        Engine.build(installed=False, config=Config(fallback_fiscal_year=2019))
