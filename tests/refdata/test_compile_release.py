"""compile_release: what `cleanclaim datasets add` runs on a user's download."""

from __future__ import annotations

import hashlib
import json
import lzma
import re
import time
from pathlib import Path

import pytest

from cleanclaim_refdata.builder import SourceError, build_one, compile_release, read_checksums

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "refdata" / "sources"


@pytest.fixture(scope="module")
def fy2023_xml() -> bytes:
    return lzma.decompress((SOURCES / "icd10cm-tabular-FY2023.xml.xz").read_bytes())


def test_compiles_what_the_packaged_build_does(fy2023_xml: bytes, tmp_path: Path) -> None:
    digest = hashlib.sha256(fy2023_xml).hexdigest()
    t = time.perf_counter()
    out = compile_release(
        fy2023_xml,
        tmp_path,
        release="2023",
        source_name="icd10cm_tabular_2023.xml",
        source_sha256=digest,
        verified=True,
    )
    seconds = time.perf_counter() - t
    assert out == tmp_path / "icd10cm-fy2023"
    # no temp left; index.json records the manifest's digest (tests/hardening)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["icd10cm-fy2023", "index.json"]
    built = build_one(
        SOURCES / "icd10cm-tabular-FY2023.xml.xz", tmp_path / "packaged", read_checksums(SOURCES)
    )
    for name in ("codes.json", "notes.json"):
        assert (out / name).read_bytes() == (built / name).read_bytes()
    ours = json.loads((out / "manifest.json").read_text())
    packaged = json.loads((built / "manifest.json").read_text())
    assert ours["source"] == {
        "file": "icd10cm_tabular_2023.xml",
        "xml": "icd10cm_tabular_2023.xml",
        "sha256": digest,
    }
    del ours["source"], packaged["source"]
    assert ours == packaged  # the same windows, counts and digests: one code path
    assert seconds < 30  # a few seconds on a developer's machine; generous on a shared one


def test_unverified_is_recorded(fy2023_xml: bytes, tmp_path: Path) -> None:
    out = compile_release(
        fy2023_xml,
        tmp_path,
        release="2023",
        source_name="x.xml",
        source_sha256="AB" * 32,
        verified=False,
    )
    m = json.loads((out / "manifest.json").read_text())
    assert m["verified"] is False and m["source"]["sha256"] == "ab" * 32
    assert "provisional" not in m


def test_replaces_an_installed_copy_whole(fy2023_xml: bytes, tmp_path: Path) -> None:
    (tmp_path / "icd10cm-fy2023").mkdir()
    (tmp_path / "icd10cm-fy2023" / "stale.json").write_text("{}")
    compile_release(
        fy2023_xml,
        tmp_path,
        release="2023",
        source_name="x.xml",
        source_sha256="0" * 64,
        verified=True,
    )
    names = sorted(p.name for p in (tmp_path / "icd10cm-fy2023").iterdir())
    assert names == ["codes.json", "manifest.json", "notes.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["icd10cm-fy2023", "index.json"]


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"not xml at all", "not an XML file"),
        (
            b"<?xml version='1.0'?><ICD10PCS.tabular><version>2023</version></ICD10PCS.tabular>",
            "not an ICD-10-CM Tabular List XML (root element <ICD10PCS.tabular>",
        ),
        (b"<ICD10CM.tabular><chapter/></ICD10CM.tabular>", "without <version>"),
        (b"<ICD10CM.tabular><version>2023</version></ICD10CM.tabular>", "without chapters"),
    ],
)
def test_wrong_kind_of_file_is_refused(xml: bytes, message: str, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=re.escape(message)):
        compile_release(
            xml,
            tmp_path,
            release="2023",
            source_name="user.xml",
            source_sha256="0" * 64,
            verified=False,
        )
    assert list(tmp_path.iterdir()) == []


def test_version_of_another_release_is_refused(fy2023_xml: bytes, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"<version> is '2023', so it is not release 2027-April"):
        compile_release(
            fy2023_xml,
            tmp_path,
            release="2027-April",
            source_name="user.xml",
            source_sha256="0" * 64,
            verified=False,
        )
    with pytest.raises(SourceError, match="expected '<YEAR>' or '<YEAR>-April'"):
        compile_release(
            fy2023_xml,
            tmp_path,
            release="FY2023",
            source_name="user.xml",
            source_sha256="0" * 64,
            verified=False,
        )
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_nothing(
    fy2023_xml: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Path.write_bytes

    def flaky(self: Path, data: bytes) -> int:
        if self.name == "notes.json":
            raise OSError("disk full")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(OSError, match="disk full"):
        compile_release(
            fy2023_xml,
            tmp_path,
            release="2023",
            source_name="x.xml",
            source_sha256="0" * 64,
            verified=True,
        )
    assert list(tmp_path.iterdir()) == []
