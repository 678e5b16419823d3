"""The builder: deterministic output, checksums honoured, prose rules parsed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import cleanclaim_refdata
from cleanclaim_refdata.builder import (
    build_all,
    build_one,
    parse_refs,
    parse_seventh_exclusions,
    parse_trailing_refs,
    read_checksums,
    write_history,
)
from cleanclaim_refdata.cli import main as cli_main
from cleanclaim_refdata.codes import pad_stem
from cleanclaim_refdata.releases import service_window

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "refdata" / "sources"
DATA = REPO / "refdata" / "src" / "cleanclaim_refdata" / "data"
NAMES = [
    "icd10cm-fy2021",
    "icd10cm-fy2023",
    "icd10cm-fy2025-april",
    "icd10cm-fy2026-april",
    "icd10cm-fy2027-provisional",
]


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("data")
    build_all(SOURCES, out)
    return out


def test_rebuild_is_byte_identical_to_committed(rebuilt: Path) -> None:
    assert sorted(p.name for p in rebuilt.iterdir() if p.is_dir()) == NAMES
    assert sorted(p.name for p in DATA.iterdir() if p.is_dir()) == NAMES
    for name in NAMES:
        files = sorted(p.name for p in (DATA / name).iterdir())
        assert files == ["codes.json", "manifest.json", "notes.json"]
        for f in files:
            assert (rebuilt / name / f).read_bytes() == (DATA / name / f).read_bytes(), (name, f)


def test_history_is_compiled_from_the_committed_data(rebuilt: Path) -> None:
    # the codes' history across the years (cleanclaim.icd.history) is the builder's, from
    # these very files: rebuilt data gives the committed bytes
    assert write_history(rebuilt).read_bytes() == (DATA / "history.json").read_bytes()


def test_manifests(rebuilt: Path) -> None:
    sums = read_checksums(SOURCES)
    expected = {
        # the FY2021 XML is the January 2021 update (known_files.toml): it serves from then on
        "icd10cm-fy2021": (
            2021,
            "2021-January",
            "2021-01-01",
            "2021-01-01",
            "2021-09-30",
            72621,
        ),
        "icd10cm-fy2023": (2023, "2023", "2022-10-01", "2022-10-01", "2023-03-31", 73639),
        "icd10cm-fy2025-april": (
            2025,
            "2025-April",
            "2025-04-01",
            "2024-10-01",
            "2025-09-30",
            74260,
        ),
        "icd10cm-fy2026-april": (
            2026,
            "2026-April",
            "2026-04-01",
            "2025-10-01",
            "2026-09-30",
            74719,
        ),
        "icd10cm-fy2027-provisional": (
            2027,
            "2027",
            "2026-10-01",
            "2026-10-01",
            "2027-09-30",
            74879,
        ),
    }
    for name, (fy, release, rdate, serves_from, serves_to, billable) in expected.items():
        m = json.loads((rebuilt / name / "manifest.json").read_text())
        assert m["system"] == "ICD-10-CM"
        assert m["fiscal_year"] == fy
        assert m["release"] == release
        assert m["release_date"] == rdate
        assert m["effective_from"] == rdate
        assert m["serves_from"] == serves_from
        assert m["serves_to"] == m["effective_to"] == serves_to
        assert m["counts"]["billable"] == billable
        assert m["counts"]["chapters"] == 22
        assert m["verified"] is True
        assert m["source"]["sha256"] == sums[m["source"].get("xml", m["source"]["file"])]
        if release.endswith("April"):
            assert "whole fiscal year" in m["note"]
        if name.endswith("-provisional"):
            assert m["provisional"]["base"] == "icd10cm-fy2026-april"
            assert m["provisional"]["addenda"] == {
                "file": "icd10cm-order-addenda-FY2027.txt",
                "sha256": sums["icd10cm-order-addenda-FY2027.txt"],
            }
            assert "FY2026's" in m["provisional"]["reason"]
        else:
            assert "provisional" not in m
        for f, digest in m["files"].items():
            assert hashlib.sha256((rebuilt / name / f).read_bytes()).hexdigest() == digest


def test_fy2023_serves_until_the_april_update_it_does_not_hold(rebuilt: Path) -> None:
    m = json.loads((rebuilt / "icd10cm-fy2023" / "manifest.json").read_text())
    assert "April 2023 update changed the code set" in m["note"]


def test_the_addenda_is_checked_against_sha256sums(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SOURCES / "icd10cm-tabular-FY2026-April.xml.xz", src)
    (src / "icd10cm-order-addenda-FY2027.txt").write_bytes(
        (SOURCES / "icd10cm-order-addenda-FY2027.txt").read_bytes().replace(b"\r\n", b"\n")
    )
    shutil.copy(SOURCES / "SHA256SUMS.raw", src)
    with pytest.raises(ValueError, match=r"icd10cm-order-addenda-FY2027.txt: sha256 .* does not"):
        build_all(src, tmp_path / "out")


def test_the_addenda_file_is_kept_as_published() -> None:
    data = (SOURCES / "icd10cm-order-addenda-FY2027.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "d64c57ef4534e4f90336decf27a34ba42979c31cd88f6ea923b5b5edd3da6384"
    )
    assert data.count(b"\r\n") == data.count(b"\n")  # CRLF, as CMS publishes it


def test_checksum_mismatch_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SOURCES / "icd10cm-tabular-FY2021.xml.xz", src)
    (src / "SHA256SUMS.raw").write_text("0" * 64 + "  icd10cm-tabular-FY2021.xml\n")
    with pytest.raises(ValueError, match="does not match"):
        build_one(src / "icd10cm-tabular-FY2021.xml.xz", tmp_path / "out", read_checksums(src))
    assert cli_main(["build", "--sources", str(src), "--out", str(tmp_path / "o2")]) == 1


def test_both_releases_of_a_year_split_it(tmp_path: Path) -> None:
    """October + April of one year packaged together: the update starts on April 1."""
    oct_ = service_window("2025", {"2025", "2025-April"})
    apr = service_window("2025-April", {"2025", "2025-April"})
    assert (oct_.serves_from, oct_.serves_to) == (date(2024, 10, 1), date(2025, 3, 31))
    assert (apr.serves_from, apr.serves_to) == (date(2025, 4, 1), date(2025, 9, 30))


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("lumbago due to intervertebral disc displacement (M51.2-)", [["M51.2", None, True]]),
        ("injuries (S30-S39)", [["S30", "S39", True]]),
        ("malignant (C49.-, C79.89)", [["C49", None, True], ["C79.89", None, False]]),
        ("lumbago with sciatica (M54.4-)", [["M54.4", None, True]]),
        ("pain (R10.2)", [["R10.2", None, False]]),
        ("congenital malformations (Q00-Q99)", [["Q00", "Q99", True]]),
        (
            "open fracture of pelvis (S32.1--S32.9 with 7th character B)",
            [["S32.1", "S32.9", True, {"text": "with 7th character B", "at": 7, "values": ["B"]}]],
        ),
        (
            "open fracture (S92.-with 7th character B)",
            [["S92", None, True, {"text": "with 7th character B", "at": 7, "values": ["B"]}]],
        ),
        ("localized abdominal pain (R10.1-R10.4-)", [["R10.1", "R10.4", True]]),
        ("vitamin B12 deficiency anaemia", []),
        ("sprain (ligament) (joint)", []),
        ("pregnancy (O00-O9A)", [["O00", "O9A", True]]),
    ],
)
def test_parse_refs(text: str, refs: list[list[object]]) -> None:
    assert parse_refs(text) == refs


def test_parse_s06_exclusion() -> None:
    note = (
        "7th characters D and S do not apply to codes in category S06 with 6th character "
        "7 - death due to brain injury prior to regaining consciousness, or 8 - death due "
        "to other cause prior to regaining consciousness."
    )
    assert parse_seventh_exclusions(note) == ("S06", frozenset("DS"), frozenset("78"))
    assert parse_seventh_exclusions("The appropriate 7th character is to be added") is None


def test_only_the_s06_rule_is_found_in_every_release() -> None:
    for name in NAMES:
        notes = json.loads((DATA / name / "notes.json").read_text())
        assert notes["seventh_exclusions"] == {"S06": {"chars": ["D", "S"], "sixth": ["7", "8"]}}


def test_pad_stem() -> None:
    assert pad_stem("S13.4") == "S13.4XX"
    assert pad_stem("T36.0X1") == "T36.0X1"
    assert pad_stem("S32") == "S32.XXX"


def test_version_single_source() -> None:
    version = (REPO / "refdata/src/cleanclaim_refdata/VERSION").read_text().strip()
    assert version == "2027.0.0"
    assert cleanclaim_refdata.__version__ == cleanclaim_refdata.DATA_VERSION == version
    pyproject = (REPO / "refdata/pyproject.toml").read_text()
    assert "dependencies = []" in pyproject
    assert "VERSION" in pyproject


def test_module_entry_point_builds(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SOURCES / "icd10cm-tabular-FY2021.xml.xz", src)
    shutil.copy(SOURCES / "SHA256SUMS.raw", src)
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cleanclaim_refdata",
            "build",
            "--sources",
            str(src),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "icd10cm-fy2021" / "codes.json").read_bytes() == (
        DATA / "icd10cm-fy2021" / "codes.json"
    ).read_bytes()


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("torticollis NOS M43.6", [["M43.6", None, False]]),
        ("injury to visual cortex S04.04-", [["S04.04", None, True]]),
        ("hearing loss as classified in H90.-", [["H90", None, True]]),
        ("tendinitis as classified in M75-M77", [["M75", "M77", True]]),
        (
            "classified in subcategories S06.1- to S06.6-, and S06.81- to S06.89-",
            [["S06.1", "S06.6", True], ["S06.81", "S06.89", True]],
        ),
        (  # a character qualifier closing the note narrows the run (Z85.6)
            "leukemia in remission C91.0-C95.9 with 5th character 1",
            [["C91.0", "C95.9", True, {"text": "with 5th character 1", "at": 5, "values": ["1"]}]],
        ),
        # qualified, followed by more words or a parenthesis, or not a plain list: left out
        ("diabetic acidosis - see categories E08-E10, E11, E13 with ketoacidosis", []),
        ("pneumoconiosis with tuberculosis, any type in A15 (J65)", []),
        ("Conditions in S00-T88, except T74 and T76", []),
        ("Conditions in T74.11 or T76.11", []),
        ("low back strain (S39.012)", []),
    ],
)
def test_parse_trailing_refs(text: str, refs: list[list[object]]) -> None:
    assert parse_trailing_refs(text) == refs
