"""Choosing a dataset by date of service; integrity of the packaged files; diffs."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import date
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from cleanclaim.icd import (
    DatasetIntegrityError,
    DatasetRegistry,
    NoDatasetError,
    diff_datasets,
)


def test_packaged_is_cached_and_lists_years(reg: DatasetRegistry) -> None:
    assert DatasetRegistry.packaged() is reg
    assert {2021, 2023, 2025, 2026} <= set(reg.fiscal_years())
    infos = reg.available()
    assert {"2021-January", "2023", "2025-April", "2026-April"} <= {i.release for i in infos}
    assert all(i.origin == "packaged" and i.verified for i in infos)
    apr = next(i for i in infos if i.release == "2026-April")
    assert apr.system == "ICD-10-CM"
    assert apr.release_date == date(2026, 4, 1)
    assert (apr.serves_from, apr.serves_to) == (date(2025, 10, 1), date(2026, 9, 30))
    assert "whole fiscal year" in apr.note
    assert apr.counts["billable"] == 74719
    assert len(apr.sha256) == 64


@pytest.mark.parametrize(
    ("when", "fy"),
    [
        (date(2021, 1, 1), 2021),  # the packaged FY2021 is the January 2021 update
        (date(2021, 1, 15), 2021),
        (date(2021, 9, 30), 2021),
        (date(2024, 10, 1), 2025),
        (date(2025, 3, 31), 2025),
        (date(2025, 10, 1), 2026),
        (date(2026, 5, 12), 2026),
        (date(2026, 9, 30), 2026),
    ],
)
def test_for_date(reg: DatasetRegistry, when: date, fy: int) -> None:
    assert reg.for_date(when).info.fiscal_year == fy


@pytest.mark.parametrize(
    "when",
    [
        date(2021, 10, 1),
        date(2022, 9, 30),
        date(2024, 1, 10),
        date(2020, 9, 30),
        date(2020, 11, 15),
    ],
)
def test_for_date_never_falls_back(reg: DatasetRegistry, when: date) -> None:
    with pytest.raises(NoDatasetError) as err:
        reg.for_date(when)
    msg = str(err.value)
    assert when.isoformat() in msg
    fy = when.year + 1 if when.month >= 10 else when.year
    assert f"fiscal year {fy}" in msg
    assert "FY2021 from 2021-01-01, FY2023" in msg
    # both ways through are named
    assert "cleanclaim datasets add" in msg and "--fallback-fy" in msg
    assert "; " not in msg  # a batch splits an input error's text on "; "


@pytest.mark.parametrize("when", [date(2020, 10, 1), date(2020, 11, 15), date(2020, 12, 31)])
def test_october_to_december_2020_is_refused_naming_the_october_release(
    reg: DatasetRegistry, when: date
) -> None:
    """The packaged FY2021 XML is the January 2021 update (six codes added, M35.8 made a
    header): judging an October-December 2020 claim with it would be a silent wrong answer."""
    with pytest.raises(NoDatasetError) as err:
        reg.for_date(when)
    msg = str(err.value)
    assert "the FY2021 release of October 2020" in msg and "is not installed" in msg
    assert "cleanclaim datasets add" in msg and "--fallback-fy" in msg
    assert err.value.missing == "the FY2021 release of October 2020"
    window = next(w for w in reg.windows() if w.start <= when <= w.end)
    assert (window.start, window.end, window.dataset) == (
        date(2020, 10, 1),
        date(2020, 12, 31),
        None,
    )
    assert window.reason == "refused: the FY2021 release of October 2020 is not installed"


def test_a_refused_date_is_refused_the_same_way_every_time(reg: DatasetRegistry) -> None:
    """A batch of old claims asks for the same refused date again and again: the refusal
    is remembered, and each ask gets its own exception with the same words."""
    when = date(2020, 11, 15)
    errors = []
    for _ in range(3):
        with pytest.raises(NoDatasetError) as err:
            reg.for_date(when)
        errors.append(err.value)
    assert len({id(e) for e in errors}) == 3
    assert {(str(e), e.missing) for e in errors} == {
        (str(errors[0]), "the FY2021 release of October 2020")
    }


def test_for_fiscal_year_missing(reg: DatasetRegistry) -> None:
    with pytest.raises(NoDatasetError, match=r"fiscal year 2024.*FY2021 from 2021-01-01, FY2023"):
        reg.for_fiscal_year(2024)


def test_datasets_are_shared(reg: DatasetRegistry) -> None:
    assert reg.for_fiscal_year(2026) is reg.for_date(date(2026, 1, 2))


def _copy_data(tmp_path: Path) -> Path:
    with as_file(files("cleanclaim_refdata") / "data") as src:
        dst = tmp_path / "data"
        shutil.copytree(src, dst)
    return dst


def test_october_and_april_of_one_year(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    oct_dir = data / "icd10cm-fy2026"
    shutil.copytree(data / "icd10cm-fy2026-april", oct_dir)
    m = json.loads((oct_dir / "manifest.json").read_text())
    m.update(
        name="icd10cm-fy2026",
        release="2026",
        release_date="2025-10-01",
        effective_from="2025-10-01",
        effective_to="2026-03-31",
        serves_to="2026-03-31",
    )
    (oct_dir / "manifest.json").write_text(json.dumps(m))
    apr = json.loads((data / "icd10cm-fy2026-april" / "manifest.json").read_text())
    apr["serves_from"] = "2026-04-01"
    (data / "icd10cm-fy2026-april" / "manifest.json").write_text(json.dumps(apr))
    reg = DatasetRegistry(data)
    assert reg.for_date(date(2026, 3, 31)).info.release == "2026"
    assert reg.for_date(date(2026, 4, 1)).info.release == "2026-April"
    assert reg.for_fiscal_year(2026).info.release == "2026-April"


def test_corrupt_file_is_named(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    codes = data / "icd10cm-fy2025-april" / "codes.json"
    codes.write_bytes(codes.read_bytes().replace(b"Muscle spasm of back", b"Muscle spasm of neck"))
    reg = DatasetRegistry(data)
    with pytest.raises(DatasetIntegrityError, match=r"icd10cm-fy2025-april.*codes\.json"):
        reg.for_fiscal_year(2025).is_billable("M62.830")
    assert reg.for_fiscal_year(2026).is_billable("M62.830")  # other years unaffected


def test_missing_notes_file_is_named(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "icd10cm-fy2021" / "notes.json").unlink()
    ds = DatasetRegistry(data).for_fiscal_year(2021)
    assert ds.is_billable("M54.5")  # notes are lazy: validity still works
    with pytest.raises(DatasetIntegrityError, match=r"notes\.json.*missing"):
        ds.lookup("M54.5")


def test_diff_m54(reg: DatasetRegistry) -> None:
    d = diff_datasets(reg.for_fiscal_year(2021), reg.for_fiscal_year(2026), prefix="m54")
    assert d.added == ("M54.50", "M54.51", "M54.59")
    assert d.deleted == ()
    assert d.billable_changed == (("M54.5", True, False),)


def test_diff_whole_years(reg: DatasetRegistry) -> None:
    a, b = reg.for_fiscal_year(2025), reg.for_fiscal_year(2026)
    d = diff_datasets(a, b)
    assert len(set(b.codes())) - len(set(a.codes())) == len(d.added) - len(d.deleted)
    assert all(not a.is_valid(c) and b.is_valid(c) for c in d.added)
    assert all(a.is_valid(c) and not b.is_valid(c) for c in d.deleted)
    for code, old, new in d.renamed:
        assert a.description(code) == old and b.description(code) == new and old != new


def test_default_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cleanclaim.icd import default_data_dir, resolve_data_dir

    monkeypatch.setenv("CLEANCLAIM_DATA_DIR", str(tmp_path / "env"))
    assert default_data_dir() == tmp_path / "env"
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"
    monkeypatch.delenv("CLEANCLAIM_DATA_DIR")
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
        assert default_data_dir() == tmp_path / "xdg" / "cleanclaim" / "datasets"
        monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
        assert default_data_dir() == Path.home() / ".local/share/cleanclaim/datasets"


def test_installed_root_without_datasets_is_the_packaged_registry(tmp_path: Path) -> None:
    assert DatasetRegistry.for_data_dir(tmp_path) is DatasetRegistry.packaged()
    assert DatasetRegistry.for_data_dir(tmp_path / "missing") is DatasetRegistry.packaged()


def test_a_broken_installed_manifest_is_named(tmp_path: Path) -> None:
    (tmp_path / "icd10cm-fy2027").mkdir()
    (tmp_path / "icd10cm-fy2027" / "manifest.json").write_text("{")
    (tmp_path / ".icd10cm-fy2028.tmp").mkdir()  # a compile in progress is not a dataset
    with pytest.raises(DatasetIntegrityError, match=r"icd10cm-fy2027/manifest\.json"):
        DatasetRegistry.for_data_dir(tmp_path)


def test_installed_dataset_wins_and_shares_packaged_loads(tmp_path: Path) -> None:
    with as_file(files("cleanclaim_refdata") / "data" / "icd10cm-fy2025-april") as src:
        shutil.copytree(src, tmp_path / "icd10cm-fy2025-april")
    reg = DatasetRegistry.for_data_dir(tmp_path)
    assert reg is DatasetRegistry.for_data_dir(tmp_path)  # same folder state: same registry
    ds = reg.for_date(date(2025, 1, 2))
    assert ds.info.origin == "installed" and ds.info.location == str(tmp_path.resolve())
    packaged = DatasetRegistry.packaged()
    assert reg.for_date(date(2026, 1, 2)) is packaged.for_date(date(2026, 1, 2))
    assert packaged.for_date(date(2025, 1, 2)).info.origin == "packaged"
