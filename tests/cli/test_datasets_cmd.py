"""``cleanclaim datasets`` add / remove / --check, and an added release serving its dates
through ``check``, ``check --batch`` and ``Engine.build()``.

The real packaged FY2021 source (its sha256 is a known official file) is added once per
session into a temporary data directory; refused files must leave the directory as it was.
"""

from __future__ import annotations

import io
import json
import lzma
import zipfile
from datetime import date
from pathlib import Path

import pytest

from cleanclaim.cli import datasets_cmd, lookup, main
from cleanclaim.config import Config
from cleanclaim.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "refdata" / "sources" / "icd10cm-tabular-FY2021.xml.xz"
CLAIM = {
    "claim_id": "D1",
    "date_of_service": "2021-03-01",
    "diagnoses": ["M62.830"],
    "lines": [{"procedure": "99213", "units": 1, "diagnosis_pointers": [1]}],
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(scope="module")
def xml() -> bytes:
    return lzma.decompress(SOURCE.read_bytes())


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding FY2021 added from the packaged source (once per module)."""
    folder = tmp_path_factory.mktemp("data")
    assert main(["datasets", "add", str(SOURCE), "--data-dir", str(folder)]) == 0
    return folder


def _empty(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


# -- adding -----------------------------------------------------------------------------------


def test_add_official_source_lists_it_as_installed(
    installed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the packaged FY2021 XML is known as the January 2021 update: it installs as such
    assert (installed / "icd10cm-fy2021-january" / "manifest.json").is_file()
    rc, out, _ = run(capsys, "datasets", "--data-dir", str(installed), "--format", "json")
    doc = json.loads(out)
    ours = [d for d in doc["datasets"] if d["origin"] == "installed"]
    assert [d["name"] for d in ours] == ["icd10cm-fy2021-january"]
    assert ours[0]["verified"] is True and ours[0]["release"] == "2021-January"
    served = [w for w in doc["windows"] if w["from"] == "2021-01-01"]
    assert served[0]["dataset"] == "icd10cm-fy2021-january"
    assert served[0]["origin"] == "installed" and served[0]["to"] == "2021-09-30"
    # ... and October to December 2020 stays refused: its code set is the October release's
    october = [w for w in doc["windows"] if w["from"] == "2020-10-01"]
    assert october[0]["to"] == "2020-12-31" and october[0]["dataset"] is None
    rc, out, _ = run(capsys, "datasets", "--data-dir", str(installed))
    assert rc == 0 and f"installed in {installed}" in out


def test_added_release_serves_check_batch_and_engine(
    installed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = tmp_path / "claim.json"
    claim.write_text(json.dumps(CLAIM))
    rc, out, _ = run(capsys, "check", str(claim), "--format", "json", "--data-dir", str(installed))
    assert rc == 0
    assert json.loads(out)["dataset"]["origin"] == "installed"
    batch = tmp_path / "claims.jsonl"
    batch.write_text("\n".join(json.dumps({**CLAIM, "claim_id": f"B{i}"}) for i in range(5)))
    for workers in ("1", "2"):
        rc, out, _ = run(
            capsys,
            "check",
            "--batch",
            str(batch),
            "--workers",
            workers,
            "--data-dir",
            str(installed),
        )
        reports = [json.loads(line) for line in out.splitlines()]
        assert rc == 0 and len(reports) == 5
        assert {r["dataset"]["origin"] for r in reports} == {"installed"}
    engine = Engine.build(installed=False, config=Config(data_dir=installed))
    assert engine.check(CLAIM).dataset.origin == "installed"
    # without the data dir the packaged dataset serves the same date
    assert Engine.build(installed=False).check(CLAIM).dataset.origin == "packaged"


def test_data_dir_from_the_environment(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANCLAIM_DATA_DIR", str(installed))
    assert Engine.build(installed=False).check(CLAIM).dataset.origin == "installed"


def test_adding_twice_is_refused(installed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, "datasets", "add", str(SOURCE), "--data-dir", str(installed))
    assert rc == 2 and "already installed" in err and "datasets remove" in err


def _tampered(tmp_path: Path, xml: bytes) -> Path:
    bad = tmp_path / "icd10cm_tabular_2021.xml"
    bad.write_bytes(xml.replace(b"Muscle spasm of back", b"Muscle spasm of neck", 1))
    return bad


def test_tampered_copy_is_refused_and_nothing_written(
    tmp_path: Path, xml: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    rc, _, err = run(
        capsys, "datasets", "add", str(_tampered(tmp_path, xml)), "--data-dir", str(folder)
    )
    assert rc == 2
    assert "not a known official CMS file" in err and "--allow-unverified" in err
    assert "nothing was installed" in err and "Traceback" not in err
    assert _empty(folder)


def test_tampered_copy_with_allow_unverified_is_marked_everywhere(
    tmp_path: Path, xml: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    bad = _tampered(tmp_path, xml)
    rc, out, _ = run(
        capsys,
        "datasets",
        "add",
        str(bad),
        "--allow-unverified",
        "--release",
        "2021-January",
        "--data-dir",
        str(folder),
    )
    assert rc == 0 and "unverified" in out.lower()
    assert "installed icd10cm-fy2021-january" in out and "2021-01-01 .. 2021-09-30" in out
    rc, out, _ = run(capsys, "datasets", "--data-dir", str(folder))
    assert "UNVERIFIED" in out
    claim = tmp_path / "claim.json"
    claim.write_text(json.dumps(CLAIM))
    rc, out, _ = run(capsys, "check", str(claim), "--format", "json", "--data-dir", str(folder))
    assert json.loads(out)["dataset"]["verified"] is False
    rc, out, _ = run(capsys, "check", str(claim), "--data-dir", str(folder))
    assert "is unverified" in out


@pytest.mark.parametrize("release", ["2021-Jan", "2021-October", "FY2021"])
def test_a_release_spelling_it_does_not_know_is_refused(
    tmp_path: Path, xml: bytes, release: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    bad = _tampered(tmp_path, xml)
    rc, _, err = run(
        capsys,
        "datasets",
        "add",
        str(bad),
        "--allow-unverified",
        "--release",
        release,
        "--data-dir",
        str(folder),
    )
    assert rc == 2 and f"--release {release!r}" in err and "2021-January" in err
    assert "Traceback" not in err and _empty(folder)


def test_an_unverified_october_release_serves_only_until_the_january_update(
    tmp_path: Path, xml: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    """Released as "2021" (its <version>), a user's file is the October 2020 release: it
    serves October to December 2020, and the packaged January update the rest."""
    folder = tmp_path / "data"
    rc, out, _ = run(
        capsys,
        "datasets",
        "add",
        str(_tampered(tmp_path, xml)),
        "--allow-unverified",
        "--data-dir",
        str(folder),
    )
    assert rc == 0 and "installed icd10cm-fy2021 " in out
    assert "serves 2020-10-01 .. 2020-12-31" in out
    engine = Engine.build(installed=False, config=Config(data_dir=folder))
    november = engine.check({**CLAIM, "date_of_service": "2020-11-15"}).dataset
    assert (november.origin, november.verified) == ("installed", False)
    assert engine.check(CLAIM).dataset.origin == "packaged"


def test_truncated_zip_is_refused(
    tmp_path: Path, xml: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Table and Index/icd10cm_tabular_2021.xml", xml)
    cut = tmp_path / "2021-code-tables-tabular-index.zip"
    cut.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    folder = tmp_path / "data"
    rc, _, err = run(capsys, "datasets", "add", str(cut), "--data-dir", str(folder))
    assert rc == 2 and "truncated or corrupt" in err and "Traceback" not in err
    assert _empty(folder)


def test_zip_without_tabular_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "2027-code-descriptions-tabular-order.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("icd10cm_order_2027.txt", "00001A00 A00 0 Cholera\n")
    folder = tmp_path / "data"
    rc, _, err = run(capsys, "datasets", "add", str(path), "--data-dir", str(folder))
    assert rc == 2 and "no ICD-10-CM tabular XML" in err
    assert _empty(folder)


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><ICD10PCS.tabular><version>2027</version></ICD10PCS.tabular>',
        b"not xml at all",
    ],
)
def test_xml_of_the_wrong_kind_is_refused(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "icd10pcs_tables_2027.xml"
    path.write_bytes(content)
    folder = tmp_path / "data"
    rc, _, err = run(
        capsys, "datasets", "add", str(path), "--allow-unverified", "--data-dir", str(folder)
    )
    assert rc == 2 and "not an ICD-10-CM tabular XML" in err
    assert _empty(folder)


def test_wrong_version_is_refused(
    tmp_path: Path, xml: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _tampered(tmp_path, xml)
    folder = tmp_path / "data"
    rc, _, err = run(
        capsys,
        "datasets",
        "add",
        str(bad),
        "--allow-unverified",
        "--release",
        "2027",
        "--data-dir",
        str(folder),
    )
    assert rc == 2 and "<version> is 2021" in err
    assert _empty(folder)


def test_missing_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, "datasets", "add", str(tmp_path / "nope.zip"))
    assert rc == 2 and "no such file" in err


# -- removing ---------------------------------------------------------------------------------


def test_remove_an_installed_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    assert main(["datasets", "add", str(SOURCE), "--data-dir", str(folder)]) == 0
    capsys.readouterr()
    name = "icd10cm-fy2021-january"
    rc, out, _ = run(capsys, "datasets", "remove", name, "--data-dir", str(folder))
    assert rc == 0 and f"removed {name}" in out
    assert _empty(folder)
    assert (
        Engine.build(installed=False, config=Config(data_dir=folder)).check(CLAIM).dataset.origin
        == "packaged"
    )


def test_remove_refuses_packaged_and_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, _, err = run(
        capsys, "datasets", "remove", "icd10cm-fy2026-april", "--data-dir", str(tmp_path)
    )
    assert rc == 2 and "packaged" in err
    rc, _, err = run(capsys, "datasets", "remove", "icd10cm-fy2030", "--data-dir", str(tmp_path))
    assert rc == 2 and "no installed dataset icd10cm-fy2030" in err


# -- monitoring -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "rc", "words"),
    [
        ("2021-01-15", 0, "served by icd10cm-fy2021"),
        ("2022-06-01", 1, "refused"),  # FY2022 is not packaged
        ("2021-08-15", 1, "FY2022 starts on 2021-10-01 (in 47 days)"),
        ("2021-07-15", 0, "served by"),  # 78 days ahead: not yet
    ],
)
def test_check(
    day: str, rc: int, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "datasets", "--check", day, "--data-dir", str(tmp_path))
    assert status == rc
    assert len(out.strip().splitlines()) == 1 and words in out


def test_check_defaults_to_today(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(datasets_cmd, "_today", lambda: date(2022, 6, 1))
    rc, out, _ = run(capsys, "datasets", "--check", "--data-dir", str(tmp_path))
    assert rc == 1 and "2022-06-01" in out


def test_check_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, "datasets", "--check", "yesterday")
    assert rc == 2 and "not a date" in err


# -- look-ups without a date -----------------------------------------------------------------


def test_code_and_search_say_the_release_in_force_today(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(lookup, "_today", lambda: date(2026, 3, 1))
    rc, out, _ = run(capsys, "code", "M62.830")
    assert rc == 0 and "FY2026, release 2026-April, in force today" in out
    rc, out, _ = run(capsys, "search", "muscle", "spasm", "--format", "json")
    assert json.loads(out)["remark"].endswith("in force today")


def test_code_with_no_dataset_today_says_which_it_used(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(lookup, "_today", lambda: date(2024, 1, 10))
    _, out, _ = run(capsys, "code", "M62.830", "--format", "json")
    doc = json.loads(out)
    assert doc["dataset"]["fiscal_year"] == 2023
    assert "no dataset serves today (2024-01-10, FY2024)" in doc["remark"]
    assert "FY2023" in doc["remark"]


# -- today: the provisional FY2027, and a full FY2027 replacing it -----------------------------

TODAY_CLAIM = {**CLAIM, "claim_id": "T1", "date_of_service": "2026-12-01"}


def test_a_claim_of_today_is_checked_against_the_provisional_fy2027_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = tmp_path / "claim.json"
    claim.write_text(json.dumps(TODAY_CLAIM))
    rc, out, _ = run(capsys, "check", str(claim), "--format", "json", "--data-dir", str(tmp_path))
    dataset = json.loads(out)["dataset"]
    assert rc == 0 and dataset["fiscal_year"] == 2027
    assert dataset["name"] == "icd10cm-fy2027-provisional" and dataset["verified"] is True
    assert "notes new in FY2027 are missing" in dataset["provisional"]
    rc, out, _ = run(capsys, "check", str(claim), "--data-dir", str(tmp_path))
    assert [line for line in out.splitlines() if "provisional" in line] == [
        line for line in out.splitlines() if line.startswith("  dataset FY2027 is provisional: ")
    ]
    assert out.count("provisional") == 1
    # a full release says nothing of the kind
    claim.write_text(json.dumps(CLAIM))
    rc, out, _ = run(capsys, "check", str(claim), "--data-dir", str(tmp_path))
    assert "provisional" not in out and "unverified" not in out
    rc, out, _ = run(capsys, "datasets", "--data-dir", str(tmp_path))
    assert "PROVISIONAL: " in out and "icd10cm-fy2027-provisional (packaged) (provisional)" in out
    assert "2023-04-01 .. 2023-09-30  refused: the April 2023 update is not installed" in out


def test_a_full_fy2027_zip_replaces_the_provisional_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No official FY2027 XML is reachable here: an XML that says <version>2027</version>,
    # in the CMS zip layout, added unverified, stands in for the vendor's download.
    xml = lzma.decompress(
        (ROOT / "refdata" / "sources" / "icd10cm-tabular-FY2026-April.xml.xz").read_bytes()
    )
    xml = xml.replace(b"<version>2026</version>", b"<version>2027</version>", 1)
    zipped = tmp_path / "2027-code-tables-tabular-index.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Table and Index/icd10cm-tabular-2027.xml", xml)
        zf.writestr("Table and Index/icd10cm_index_2027.xml", b"<ICD10CM.index/>")
        zf.writestr("__MACOSX/Table and Index/._icd10cm-tabular-2027.xml", b"\0\5\x16\7")
    folder = tmp_path / "data"
    rc, _, err = run(capsys, "datasets", "add", str(zipped), "--data-dir", str(folder))
    assert rc == 2 and "not a known official CMS file" in err and _empty(folder)
    rc, out, _ = run(
        capsys, "datasets", "add", str(zipped), "--allow-unverified", "--data-dir", str(folder)
    )
    assert rc == 0 and "installed icd10cm-fy2027 (unverified)" in out
    assert "serves 2026-10-01 .. 2027-09-30" in out
    report = Engine.build(installed=False, config=Config(data_dir=folder)).check(TODAY_CLAIM)
    assert (report.dataset.name, report.dataset.origin) == ("icd10cm-fy2027", "installed")
    assert report.dataset.provisional is None and report.dataset.verified is False
    rc, out, _ = run(capsys, "datasets", "--data-dir", str(folder), "--format", "json")
    window = next(w for w in json.loads(out)["windows"] if w["from"] == "2026-10-01")
    assert window["dataset"] == "icd10cm-fy2027" and window["origin"] == "installed"
    monkeypatch.setattr(lookup, "_today", lambda: date(2026, 12, 1))
    rc, out, _ = run(capsys, "code", "M62.830", "--data-dir", str(folder))
    assert "FY2027 (unverified), release 2027, in force today" in out


def test_june_2023_is_refused_naming_the_update_then_checked_with_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = tmp_path / "claim.json"
    claim.write_text(json.dumps({**CLAIM, "date_of_service": "2023-06-01"}))
    rc, _, err = run(capsys, "check", str(claim), "--data-dir", str(tmp_path))
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert "the April 2023 update (42 codes added, 7 deleted) is not installed" in err
    assert "cleanclaim datasets add" in err and "--fallback-fy" in err
    batch = tmp_path / "claims.jsonl"
    batch.write_text(claim.read_text() + "\n")
    rc, out, _ = run(
        capsys, "check", "--batch", str(batch), "--fallback-fy", "2023", "--workers", "2"
    )
    (report,) = [json.loads(line) for line in out.splitlines()]
    (eng002,) = [f for f in report["findings"] if f["rule"] == "ENG002"]
    assert "--fallback-fy" in eng002["message"] and "April 2023 update" in eng002["message"]
    assert report["dataset"]["fiscal_year"] == 2023
