"""A dataset's manifest.json is checked too, never trusted as it is.

Promises (docs/promises.md):

* The packaged manifests' sha256 are part of cleanclaim-refdata's code
  (``cleanclaim_refdata.manifests``); an installed dataset's is written at install into
  the data directory's ``index.json``.  A manifest whose bytes differ (a flipped bit, an
  edited ``serves_to``) raises :class:`DatasetIntegrityError` naming it -- exit 2 on the
  command line, never a traceback, never exit 1, never silence.
* Its fields are validated as well: the release and the window must agree with the fiscal
  year, the name is the folder's and never a path, file names are plain names.
"""

from __future__ import annotations

import json
import random
import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hardening_support import CLEAN, assert_no_traceback, cli, write_json

from cleanclaim.icd import DatasetIntegrityError, DatasetRegistry

DATASET = "icd10cm-fy2026-april"
OLD = "icd10cm-fy2021"


def _packaged() -> Path:
    return Path(str(files("cleanclaim_refdata") / "data"))


def test_the_package_code_holds_every_packaged_manifests_digest() -> None:
    import hashlib

    from cleanclaim_refdata.manifests import MANIFEST_SHA256

    on_disk = {
        p.parent.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in _packaged().glob("*/manifest.json")
    }
    assert on_disk == MANIFEST_SHA256


def test_the_package_code_holds_the_history_digest() -> None:
    import hashlib

    from cleanclaim_refdata.manifests import HISTORY_SHA256

    assert hashlib.sha256((_packaged() / "history.json").read_bytes()).hexdigest() == HISTORY_SHA256


def _install_copy(data_dir: Path, name: str, edit: dict[str, Any] | None = None) -> Path:
    """A dataset installed the way `datasets add` installs (compile_release: the
    builder's _install, then write_index)."""
    from cleanclaim_refdata.builder import _install, write_index

    folder = _packaged() / name
    payload = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    if edit is not None:
        doc = json.loads(payload["manifest.json"])
        doc.update(edit)
        payload["manifest.json"] = json.dumps(doc).encode()
    target = _install(data_dir, name, payload)
    write_index(data_dir)
    return target


def test_datasets_add_writes_the_index_and_an_edit_is_refused(tmp_path: Path) -> None:
    """compile_release (what `cleanclaim datasets add` runs) records the digest."""
    import hashlib
    import lzma

    from cleanclaim_refdata.builder import compile_release

    source = Path(__file__).parents[2] / "refdata" / "sources" / "icd10cm-tabular-FY2023.xml.xz"
    xml = lzma.decompress(source.read_bytes())
    compile_release(
        xml, tmp_path, release="2023", source_name="icd10cm_tabular_2023.xml",
        source_sha256=hashlib.sha256(xml).hexdigest(), verified=True,
    )  # fmt: skip
    index = json.loads((tmp_path / "index.json").read_text())
    manifest = tmp_path / "icd10cm-fy2023" / "manifest.json"
    assert index["manifests"] == {
        "icd10cm-fy2023": hashlib.sha256(manifest.read_bytes()).hexdigest()
    }
    assert DatasetRegistry.for_data_dir(tmp_path).available()
    doc = json.loads(manifest.read_text())
    doc["serves_to"] = "2023-09-30"  # inside its year, so only the digest can tell
    manifest.write_text(json.dumps(doc))
    with pytest.raises(DatasetIntegrityError, match=r"index\.json says"):
        DatasetRegistry.for_data_dir(tmp_path)


def test_an_installed_dataset_is_accepted_with_the_digest_written_at_install(
    tmp_path: Path,
) -> None:
    _install_copy(tmp_path, OLD, {"note": "installed by the test"})
    index = json.loads((tmp_path / "index.json").read_text())
    assert OLD in index["manifests"]
    infos = DatasetRegistry.for_data_dir(tmp_path).available()
    assert any(i.name == OLD and i.installed for i in infos)


@pytest.mark.parametrize("seed", range(4))
def test_a_flipped_bit_in_an_installed_manifest_is_refused(tmp_path: Path, seed: int) -> None:
    _install_copy(tmp_path, OLD, {"note": "installed by the test"})
    manifest = tmp_path / OLD / "manifest.json"
    original = manifest.read_bytes()
    rng = random.Random(seed)
    for _ in range(50):
        data = bytearray(original)
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
        manifest.write_bytes(bytes(data))
        with pytest.raises(DatasetIntegrityError, match=f"{OLD}.*manifest.json"):
            DatasetRegistry.for_data_dir(tmp_path)
    manifest.write_bytes(original)
    assert DatasetRegistry.for_data_dir(tmp_path).available()


def test_an_edited_serves_to_is_refused_even_when_consistent(tmp_path: Path) -> None:
    """FY2021's codes made to answer 2026 claims: the digest says no."""
    _install_copy(tmp_path, OLD, {"note": "installed by the test"})
    manifest = tmp_path / OLD / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc["serves_to"] = "2026-09-30"
    manifest.write_text(json.dumps(doc))
    with pytest.raises(DatasetIntegrityError, match=r"manifest\.json"):
        DatasetRegistry.for_data_dir(tmp_path)


def test_a_copied_packaged_dataset_needs_no_index(tmp_path: Path) -> None:
    shutil.copytree(_packaged() / OLD, tmp_path / OLD)  # its digest is the package's
    assert any(i.name == OLD for i in DatasetRegistry.for_data_dir(tmp_path).available())
    manifest = tmp_path / OLD / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"verified":true', b'"verified":false'))
    with pytest.raises(DatasetIntegrityError, match=r"index\.json"):
        DatasetRegistry.for_data_dir(tmp_path)


BAD_FIELDS: dict[str, dict[str, Any]] = {
    "window after its year": {"serves_to": "2026-09-30"},
    "window before its year": {"serves_from": "2019-10-01"},
    "window reversed": {"serves_from": "2021-09-30", "serves_to": "2020-10-01"},
    "fiscal year not the release's": {"fiscal_year": 2026},
    "name a path": {"name": "../../etc"},
    "name not the folder's": {"name": "icd10cm-fy2026"},
    "file name a path": {"files": {"../../../etc/passwd": "0" * 64}},
    "digest not hex": {"files": {"codes.json": "zz"}},
    "release unreadable": {"release": "2021; rm -rf"},
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_manifest_fields_are_validated(tmp_path: Path, case: str) -> None:
    """Even where no digest applies (a folder given to DatasetRegistry by hand)."""
    shutil.copytree(_packaged() / OLD, tmp_path / OLD)
    manifest = tmp_path / OLD / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc.update(BAD_FIELDS[case])
    manifest.write_text(json.dumps(doc))
    with pytest.raises(DatasetIntegrityError, match=f"{OLD}/manifest.json"):
        DatasetRegistry(tmp_path)


def _shadow_package(tmp_path: Path) -> Path:
    real = Path(str(files("cleanclaim_refdata")))
    shadow = tmp_path / "site" / "cleanclaim_refdata"
    shadow.mkdir(parents=True)
    for entry in real.iterdir():
        if entry.is_file():
            shutil.copy(entry, shadow / entry.name)
    shutil.copytree(real / "data", shadow / "data")
    return shadow


@pytest.mark.parametrize("how", ["flipped-bit", "serves_to"])
def test_an_edited_packaged_manifest_is_exit_2_on_the_command_line(
    tmp_path: Path, how: str
) -> None:
    shadow = _shadow_package(tmp_path)
    manifest = shadow / "data" / OLD / "manifest.json"
    if how == "serves_to":
        doc = json.loads(manifest.read_text())
        doc["serves_to"] = "2026-09-30"
        manifest.write_text(json.dumps(doc))
    else:
        data = bytearray(manifest.read_bytes())
        data[data.index(b"billable") + 2] ^= 0x01
        manifest.write_bytes(bytes(data))
    claim = write_json(tmp_path / "claim.json", CLEAN)
    batch = tmp_path / "claims.jsonl"
    batch.write_text(claim.read_text() + "\n")
    env = {"PYTHONPATH": str(tmp_path / "site"), "CLEANCLAIM_DATA_DIR": str(tmp_path / "none")}
    for argv in (("check", str(claim)), ("check", "--batch", str(batch)), ("datasets",)):
        proc = cli(*argv, cwd=tmp_path, env=env)
        err = proc.stderr.decode()
        assert_no_traceback(err)
        assert proc.returncode == 2, (argv, err)
        assert f"{OLD}/manifest.json" in err, (argv, err)
