"""The packaged codes' history answers as the years themselves would, and only then.

Promises (docs/promises.md, "Datasets"):

* A finding's year facts (which packaged years have the code, billable or not) are the
  same whether they come from ``history.json`` or from loading each year: checked here
  for every code any packaged year stores, and for codes no year has.
* The file answers only for the datasets it was compiled from (their ``codes.json``
  digests) and for codes of up to six characters; anything else is asked of the year.
* Its bytes are checked against the digest in cleanclaim-refdata's code: a file that
  differs is refused (DatasetIntegrityError), never read.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from importlib.resources import files
from pathlib import Path

import pytest

from cleanclaim.icd import DatasetIntegrityError, DatasetRegistry
from cleanclaim.icd import explain as explain_module
from cleanclaim.icd.history import ABSENT, BILLABLE, HEADER, HISTORY_FILE, History

PACKAGED = Path(str(files("cleanclaim_refdata") / "data"))


class _Unaided:
    """The packaged registry with its history hidden: every year is loaded and asked."""

    def __init__(self, reg: DatasetRegistry) -> None:
        self._reg = reg

    def history(self) -> None:
        return None

    def __getattr__(self, name: str) -> object:
        return getattr(self._reg, name)


def _stored_codes(reg: DatasetRegistry) -> set[str]:
    codes: set[str] = set()
    for fy in reg.fiscal_years():
        ds = reg.for_fiscal_year(fy)
        codes.update(ds._c.codes)
    return codes


def test_the_packaged_registry_reads_the_history(reg: DatasetRegistry) -> None:
    history = reg.history()
    assert history is not None
    assert reg.history() is history  # read once


@pytest.mark.parametrize("fy", [2021, 2023, 2025, 2026, 2027])
def test_year_facts_are_those_of_the_years_themselves(reg: DatasetRegistry, fy: int) -> None:
    ds = reg.for_fiscal_year(fy)
    unaided = _Unaided(reg)
    codes = sorted(_stored_codes(reg))
    # codes no year has, typed the ways claims type them, and 7th-character codes
    codes += ["M62.839", "M62.8", "m5450", "M54.5 ", "Z99.99", "S39.012A", "S39.012", "D69.1"]
    differ = [
        code
        for code in codes
        if explain_module._status(reg, ds, code) != explain_module._status(unaided, ds, code)  # type: ignore[arg-type]
    ]
    assert differ == []


def test_known_answers(reg: DatasetRegistry) -> None:
    history = reg.history()
    assert history is not None
    fy26 = reg.for_fiscal_year(2026).info
    fy21 = reg.for_fiscal_year(2021).info
    assert history.state(fy21, "M54.5", fy26, own_valid=True) == BILLABLE
    assert history.state(fy26, "M54.5", fy26, own_valid=True) == HEADER
    assert history.state(fy21, "M62.830", fy26, own_valid=True) == BILLABLE  # not listed
    assert history.state(fy21, "M62.839", fy26, own_valid=False) == ABSENT  # in no year
    assert history.state(fy21, "S39.012A", fy26, own_valid=True) is None  # via its stem


def test_a_dataset_it_was_not_compiled_from_is_asked(reg: DatasetRegistry) -> None:
    history = reg.history()
    assert history is not None
    fy26 = reg.for_fiscal_year(2026).info
    fy21 = reg.for_fiscal_year(2021).info
    installed = dataclasses.replace(fy21, origin="installed")
    other_files = dataclasses.replace(fy21, files={**fy21.files, "codes.json": "0" * 64})
    assert history.state(installed, "M54.5", fy26, own_valid=True) is None
    assert history.state(other_files, "M54.5", fy26, own_valid=True) is None
    # a code the file does not list: only a year it names can tell everywhere from nowhere
    assert history.state(fy21, "M62.830", other_files, own_valid=True) is None


def test_a_folder_that_is_not_the_packaged_one_has_no_history(tmp_path: Path) -> None:
    shutil.copytree(PACKAGED, tmp_path / "data")
    assert DatasetRegistry(tmp_path / "data").history() is None


def test_altered_bytes_are_refused(tmp_path: Path) -> None:
    raw = (PACKAGED / HISTORY_FILE).read_bytes()
    doc = json.loads(raw)
    doc["codes"]["M54.5"] = "HHHHH"
    (tmp_path / HISTORY_FILE).write_text(json.dumps(doc), encoding="utf-8")
    import hashlib

    digest = hashlib.sha256(raw).hexdigest()
    with pytest.raises(DatasetIntegrityError, match=r"history\.json is corrupt"):
        History.read(tmp_path, digest)
    (tmp_path / HISTORY_FILE).unlink()
    with pytest.raises(DatasetIntegrityError, match=r"history\.json is missing"):
        History.read(tmp_path, digest)
    assert History.read(PACKAGED, digest) is not None


def test_a_claim_on_an_altered_history_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from cleanclaim.cli import main

    monkeypatch.setattr("cleanclaim.icd.registry.packaged_digest", lambda: "0" * 64)
    fresh = DatasetRegistry(PACKAGED)
    monkeypatch.setattr(DatasetRegistry, "packaged", classmethod(lambda cls: fresh))
    monkeypatch.setattr("cleanclaim.icd.registry._packaged", lambda: fresh)
    claim = tmp_path / "claim.json"
    claim.write_text(
        json.dumps(
            {
                "claim_id": "H-1",
                "date_of_service": "2026-05-12",
                "diagnoses": ["M54.5"],
                "lines": [{"procedure": "99213", "diagnosis_pointers": [1]}],
            }
        ),
        encoding="utf-8",
    )
    assert main(["check", str(claim)]) == 2
    err = capsys.readouterr().err
    assert "history.json is corrupt" in err and "Traceback" not in err
