"""Reference data that was altered or truncated is refused, never used.

Promise: every data file of a fiscal-year dataset is checked against the sha256 in its
manifest when it is first read; a changed byte, a truncated file or a missing one raises
:class:`DatasetIntegrityError` naming the dataset and the file -- through the API, through
:meth:`Engine.check` (not turned into a per-rule ENG001 finding, which would let the
other rules judge claims against broken data), and through the command line as exit 2
without a traceback.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest
from hardening_support import CLEAN, assert_no_traceback, cli, write_json

from cleanclaim.engine import Engine
from cleanclaim.icd import DatasetIntegrityError, DatasetRegistry

DATASET = "icd10cm-fy2026-april"  # serves CLEAN's date of service
#: two diagnoses, so the Excludes1 rule reads notes.json as well as codes.json
TWO_CODES = {**CLEAN, "diagnoses": ["M54.50", "S39.012A"]}


def _packaged_data() -> Path:
    return Path(str(files("cleanclaim_refdata") / "data"))


def _flip_a_description(path: Path) -> None:
    """Change one letter inside the file: still valid JSON, different bytes."""
    data = bytearray(path.read_bytes())
    at = data.index(b"Muscle spasm") if b"Muscle spasm" in data else data.index(b"a", 1000)
    data[at] = ord("N") if data[at] != ord("N") else ord("M")
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _remove(path: Path) -> None:
    path.unlink()


FAULTS: dict[str, Callable[[Path], None]] = {
    "altered": _flip_a_description,
    "truncated": _truncate,
    "missing": _remove,
}


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(_packaged_data() / DATASET, data / DATASET)
    return data


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("name", ["codes.json", "notes.json"])
def test_damaged_file_is_refused_by_the_engine(tmp_path: Path, fault: str, name: str) -> None:
    data = _copy(tmp_path)
    FAULTS[fault](data / DATASET / name)
    engine = Engine.build(installed=False, datasets=DatasetRegistry(data))
    with pytest.raises(DatasetIntegrityError) as raised:
        engine.check(TWO_CODES)
    message = str(raised.value)
    assert DATASET in message and name in message
    assert ("missing" if fault == "missing" else "corrupt") in message


def test_intact_copy_is_accepted(tmp_path: Path) -> None:
    """The control: the copy itself is fine, so the failures above are the faults'."""
    engine = Engine.build(installed=False, datasets=DatasetRegistry(_copy(tmp_path)))
    assert engine.check(TWO_CODES).dataset.release == "2026-April"


def test_damaged_dataset_through_the_command_line(tmp_path: Path) -> None:
    """A shadow ``cleanclaim_refdata`` with a truncated codes.json: exit 2, one line."""
    real = Path(str(files("cleanclaim_refdata")))
    shadow = tmp_path / "site" / "cleanclaim_refdata"
    shadow.mkdir(parents=True)
    for name in real.iterdir():  # the package's modules and tables, without its data
        if name.is_file():
            shutil.copy(name, shadow / name.name)
    shutil.copytree(real / "data" / DATASET, shadow / "data" / DATASET)
    _truncate(shadow / "data" / DATASET / "codes.json")
    claim = write_json(tmp_path / "claim.json", CLEAN)
    batch = tmp_path / "claims.jsonl"
    batch.write_text(claim.read_text() + "\n")
    env = {"PYTHONPATH": str(tmp_path / "site")}
    for argv in (("check", str(claim)), ("check", "--batch", str(batch)), ("code", "M62.830")):
        proc = cli(*argv, cwd=tmp_path, env=env)
        err = proc.stderr.decode()
        assert_no_traceback(err)
        assert proc.returncode == 2, (argv, err)
        assert "codes.json is corrupt" in err and DATASET in err, (argv, err)
