"""releases.toml and known_files.toml: their readers, their facts, the service windows."""

from __future__ import annotations

import hashlib
import lzma
from datetime import date
from pathlib import Path

import pytest

from cleanclaim_refdata import releases
from cleanclaim_refdata.builder import read_checksums
from cleanclaim_refdata.releases import (
    KnownFile,
    known_file,
    known_files,
    known_releases,
    parse_release,
    release_date,
    release_label,
    release_month,
    service_window,
)

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "refdata" / "sources"


def test_one_entry_per_october_release_and_april_update() -> None:
    names = [r.release for r in known_releases()]
    for fy in range(2021, 2028):
        assert str(fy) in names
    for fy in range(2021, 2027):
        assert f"{fy}-April" in names
    assert len(names) == len(set(names))
    assert [r.effective for r in known_releases()] == sorted(r.effective for r in known_releases())


def test_release_facts() -> None:
    by = {r.release: r for r in known_releases()}
    apr23 = by["2023-April"]
    assert (apr23.fiscal_year, apr23.april, apr23.effective) == (2023, True, date(2023, 4, 1))
    assert apr23.changes_code_set and apr23.summary.startswith("42 codes added, 7 deleted")
    assert by["2022-April"].changes_code_set
    for quiet in ("2024-April", "2025-April", "2026-April"):
        assert not by[quiet].changes_code_set, quiet
    oct27 = by["2027"]
    assert (oct27.april, oct27.effective, oct27.changes_code_set) == (
        False,
        date(2026, 10, 1),
        True,
    )
    for r in known_releases():
        assert r.source and r.summary, r.release


def test_known_files_hold_every_packaged_source_and_the_fy2027_files() -> None:
    sums = read_checksums(SOURCES)
    for xml_name, digest in sums.items():
        if not xml_name.endswith(".xml"):
            continue  # the addenda is a source of the builder, not a release to add
        hit = known_file(digest.upper())
        assert hit is not None and hit.kind == "tabular-xml" and hit.name == xml_name
        data = lzma.decompress((SOURCES / f"{xml_name}.xz").read_bytes())
        assert hit.bytes == len(data)
        assert hashlib.sha256(data).hexdigest() == hit.sha256
        assert hit.provenance
    kinds = {f.kind for f in known_files() if f.release == "2027"}
    assert kinds == {"tabular-zip", "order-zip", "codes-txt"}
    tab = known_file("37baa476323714be16f95c9b2c96812bf6f3623d9f15188866e584dc529b0298")
    assert tab == KnownFile(
        sha256="37baa476323714be16f95c9b2c96812bf6f3623d9f15188866e584dc529b0298",
        name="2027-code-tables-tabular-index.zip",
        kind="tabular-zip",
        release="2027",
        bytes=22_059_093,
        provenance=tab.provenance if tab else "",
    )
    assert known_file("0" * 64) is None
    assert len({f.sha256 for f in known_files()}) == len(known_files()) == 7


def test_parse_release() -> None:
    assert parse_release("2027") == (2027, False)
    assert parse_release("2027-April") == (2027, True)
    with pytest.raises(ValueError, match="expected '<YEAR>' or '<YEAR>-April'"):
        parse_release("FY2027")


def test_an_update_on_the_first_of_any_month() -> None:
    assert parse_release("2021-January") == (2021, False)
    assert release_month("2021-January") == 1 and release_month("2021") == 10
    assert release_date("2021-January") == date(2021, 1, 1)
    assert release_date("2021-November") == date(2020, 11, 1)  # before January: the year before
    assert release_date("2023-April") == date(2023, 4, 1)
    assert release_label("2021") == "the October 2020 release"
    assert release_label("2021-January") == "the January 2021 update"
    for bad in ("2021-October", "2021-january", "2021-Jan", "2021-"):
        with pytest.raises(ValueError, match="expected '<YEAR>'"):
            parse_release(bad)


def test_the_january_2021_update_is_known_and_holds_the_packaged_fy2021_xml() -> None:
    by = {r.release: r for r in known_releases()}
    jan = by["2021-January"]
    assert (jan.fiscal_year, jan.april, jan.effective) == (2021, False, date(2021, 1, 1))
    assert jan.changes_code_set and jan.summary.startswith("6 codes added, 1 made a header")
    assert "Z20.822" in jan.summary and "M35.8 became a header" in jan.summary
    fy2021 = next(f for f in known_files() if f.name == "icd10cm-tabular-FY2021.xml")
    assert fy2021.release == "2021-January"


@pytest.mark.parametrize(
    ("release", "alongside", "start", "end", "words"),
    [
        # an April update that changed the code set ends the October release on March 31
        ("2023", (), date(2022, 10, 1), date(2023, 3, 31), "April 2023 update changed"),
        # ... one that did not lets it serve the whole year
        ("2026", (), date(2025, 10, 1), date(2026, 9, 30), "October 2025 release"),
        ("2026-April", (), date(2025, 10, 1), date(2026, 9, 30), "whole fiscal year 2026"),
        # with the October release alongside, the update serves from April 1
        ("2026-April", ("2026",), date(2026, 4, 1), date(2026, 9, 30), "April 1"),
        ("2026", ("2026-April",), date(2025, 10, 1), date(2026, 3, 31), "until the April"),
        # an update that changed the code set never serves the months before it
        ("2023-April", (), date(2023, 4, 1), date(2023, 9, 30), "another code set"),
        # an update nobody knows about yet is treated the same way
        ("2027-April", (), date(2027, 4, 1), date(2027, 9, 30), "another code set"),
        ("2027", (), date(2026, 10, 1), date(2027, 9, 30), "October 2026 release"),
        # the January 2021 update changed the code set: the October 2020 release ends on
        # December 31 and the update never serves 2020
        ("2021", (), date(2020, 10, 1), date(2020, 12, 31), "January 2021 update changed"),
        ("2021", ("2021-January",), date(2020, 10, 1), date(2020, 12, 31), "until the January"),
        ("2021-January", (), date(2021, 1, 1), date(2021, 9, 30), "October 2020 release holds"),
        ("2021-January", ("2021",), date(2021, 1, 1), date(2021, 9, 30), "January 1"),
        # the April 2021 update changed no code: alone it reaches back to January 1, not
        # over the January update that did
        ("2021-April", (), date(2021, 1, 1), date(2021, 9, 30), "January 2021 update"),
        ("2021-April", ("2021-January",), date(2021, 4, 1), date(2021, 9, 30), "April 1"),
        ("2021-January", ("2021-April",), date(2021, 1, 1), date(2021, 3, 31), "until the April"),
    ],
)
def test_service_window(
    release: str, alongside: tuple[str, ...], start: date, end: date, words: str
) -> None:
    w = service_window(release, alongside)
    assert (w.serves_from, w.serves_to) == (start, end)
    assert words in w.note


def test_a_bad_entry_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = '[[release]]\nrelease = "2030"\nfiscal_year = 2030\neffective = 2029-04-01\n'
    bad += 'changes_code_set = true\nsummary = "x"\nsource = "y"\n'
    monkeypatch.setattr(releases, "_read", lambda name: releases.tomllib.loads(bad))
    releases.known_releases.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"releases.toml, release #1: 2030 must be"):
            releases.known_releases()
        bad_file = '[[file]]\nsha256 = "AB"\nname = "x"\nkind = "tabular-xml"\nrelease = "2030"\n'
        monkeypatch.setattr(releases, "_read", lambda name: releases.tomllib.loads(bad_file))
        releases.known_files.cache_clear()
        with pytest.raises(ValueError, match=r"known_files.toml, file #1: sha256 must be"):
            releases.known_files()
        wrong_type = bad.replace("2029-04-01", "2029-10-01").replace(
            "changes_code_set = true", 'changes_code_set = "yes"'
        )
        monkeypatch.setattr(releases, "_read", lambda name: releases.tomllib.loads(wrong_type))
        releases.known_releases.cache_clear()
        with pytest.raises(ValueError, match="'changes_code_set' must be a bool"):
            releases.known_releases()
    finally:
        monkeypatch.undo()
        releases.known_releases.cache_clear()
        releases.known_files.cache_clear()
