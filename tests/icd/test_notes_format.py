"""``notes.json`` keeps each code's notes as a JSON text of its own (format 2), decoded on
first use; a dataset built before that (format 1: an object per code, as a data folder
installed by an older ``cleanclaim-refdata`` holds) answers exactly the same (issue 18)."""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from cleanclaim.icd import DatasetRegistry
from cleanclaim_refdata.builder import NOTES_FORMAT, code_notes

NAME = "icd10cm-fy2026-april"


def _format_1_copy(tmp_path: Path) -> Path:
    """The packaged data with one dataset's notes rewritten as format 1, manifest mended."""
    with as_file(files("cleanclaim_refdata") / "data") as src:
        data = tmp_path / "data"
        shutil.copytree(src, data)
    folder = data / NAME
    doc = json.loads((folder / "notes.json").read_text(encoding="utf-8"))
    doc["codes"] = code_notes(doc)
    doc["format"] = 1
    raw = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    (folder / "notes.json").write_bytes(raw)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["notes.json"] = hashlib.sha256(raw).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return data


def test_packaged_notes_are_format_2_with_a_text_per_code() -> None:
    raw = (files("cleanclaim_refdata") / "data" / NAME / "notes.json").read_bytes()
    doc = json.loads(raw)
    assert doc["format"] == NOTES_FORMAT == 2
    assert all(isinstance(v, str) for v in doc["codes"].values())
    assert code_notes(doc)["M54.5"]["excludes1"]  # the text decodes to the notes


def test_format_1_data_answers_as_format_2(tmp_path: Path) -> None:
    old = DatasetRegistry(_format_1_copy(tmp_path)).for_fiscal_year(2026)
    new = DatasetRegistry.packaged().for_fiscal_year(2026)
    assert old.info.name == new.info.name == NAME
    doc = json.loads((files("cleanclaim_refdata") / "data" / NAME / "notes.json").read_bytes())
    with_notes = sorted(doc["codes"])
    sample = [*with_notes[::40], "M54.5", "S39.012A", "M62.830", "N31.9", "E11.9"]
    for code in sample:
        assert old.lookup(code) == new.lookup(code), code
        assert old.excludes1(code) == new.excludes1(code), code
        assert old.excludes2(code) == new.excludes2(code), code
        assert old.is_manifestation(code) == new.is_manifestation(code), code
    assert old.search("muscle spasm back") == new.search("muscle spasm back")


@pytest.mark.parametrize("code", ["M54.5", "M62.8", "S39"])
def test_a_codes_notes_are_decoded_once(code: str) -> None:
    """A code's notes are decoded on first use and reused after (the same objects, not a
    new decoding); a code without notes of its own decodes nothing."""
    ds = DatasetRegistry.packaged().for_fiscal_year(2026)
    notes = ds._n
    assert isinstance(notes.codes[code], str)  # stored as text: it has notes of its own
    first = notes.of(code)
    assert first and notes.decoded[code] is first
    assert notes.of(code) is first
    assert "M62.83" not in notes.codes and not notes.of("M62.83")
    assert "M62.83" not in notes.decoded
