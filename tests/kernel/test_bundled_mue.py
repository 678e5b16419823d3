"""The kernel's bundled practitioner MUE table (data/mue_practitioner.toml) and CLM204.

The shipped table may only hold values copied from a dated copy of the CMS practitioner
table; the mechanism is tested with a fixture table written here (TEST DATA: the numbers
are the test's own, never shipped), swapped in for the bundled one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
from kernel_support import claim, engine_with, fixture_plugin, line

from cleanclaim import ncci
from cleanclaim.config import Config
from cleanclaim.contributions import Procedure
from cleanclaim.engine import Engine
from cleanclaim.ncci import BUNDLED_MUE_FILE, BundledMue, NcciFileError, read_bundled_mue

FIXTURE_TABLE = """
[table]
quarter = "TEST quarter"
valid_from = "2026-04-01"
valid_to = "2026-06-30"
seen_at = "test fixture"

[[limit]]
code = "98940"
mue = 1
mai = 2
"""
PLUGIN = fixture_plugin(
    "fixture", procedures=[Procedure(code="98940", label="spinal manipulation, 1-2 regions")]
)


@pytest.fixture
def fixture_bundle(tmp_path: Path) -> Iterator[BundledMue]:
    path = tmp_path / "mue.toml"
    path.write_text(FIXTURE_TABLE, encoding="utf-8")
    bundle = read_bundled_mue(path)
    saved = list(ncci._BUNDLED)
    ncci._BUNDLED[:] = [bundle]
    yield bundle
    ncci._BUNDLED[:] = saved


def _cmt(units: int, day: str = "2026-05-12") -> dict[str, object]:
    return claim("M99.03", day=day, lines=[line("98940", 1, units=units)])


def _clm204(engine: Engine, units: int, day: str = "2026-05-12") -> list[tuple[str, str]]:
    report = engine.check(_cmt(units, day))
    return [(f.severity, f.message) for f in report.findings if f.rule == "CLM204"]


def test_the_shipped_table_is_well_formed_and_sourced() -> None:
    bundle = read_bundled_mue(files("cleanclaim") / BUNDLED_MUE_FILE)
    known = Engine.build().tables.procedures
    for limit in bundle.limits:
        assert limit.code in known, f"{limit.code}: no bundled plugin knows it"
        assert bundle.quarter and bundle.seen_at and bundle.valid_to
        assert limit.source == bundle.label


def test_bundled_value_makes_98940_times_2_an_error(fixture_bundle: BundledMue) -> None:
    [(severity, message)] = _clm204(engine_with(PLUGIN), 2)
    assert severity == "error" and "limit is 1" in message and "MAI 2" in message
    report = engine_with(PLUGIN).check(_cmt(2))
    [finding] = [f for f in report.findings if f.rule == "CLM204"]
    assert "TEST quarter" in finding.reference


def test_bundled_value_keeps_quiet_within_the_limit(fixture_bundle: BundledMue) -> None:
    assert _clm204(engine_with(PLUGIN), 1) == []


def test_after_its_quarter_a_bundled_value_only_warns_and_says_why(
    fixture_bundle: BundledMue,
) -> None:
    [(severity, message)] = _clm204(engine_with(PLUGIN), 2, day="2026-08-03")
    assert severity == "warning"
    assert "TEST quarter" in message and "2026-06-30" in message and "ncci-mue" in message
    assert fixture_bundle.stale_on(date(2026, 8, 3)) and not fixture_bundle.stale_on(
        date(2026, 6, 30)
    )


def test_an_official_file_replaces_the_bundled_value(
    fixture_bundle: BundledMue, tmp_path: Path
) -> None:
    official = tmp_path / "mue.csv"
    official.write_text(
        "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,"
        "MUE Rationale\n98940,2,2 Date of Service Edit: Policy,TEST\n",
        encoding="utf-8",
    )
    engine = engine_with(PLUGIN, config=Config(ncci_mue=(official,)))
    assert _clm204(engine, 2) == []
    [(severity, message)] = _clm204(engine, 3)
    assert severity == "error" and "limit is 2" in message


def test_rows_without_provenance_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "mue.toml"
    path.write_text('[table]\nquarter = ""\n[[limit]]\ncode = "98940"\nmue = 1\nmai = 2\n')
    with pytest.raises(NcciFileError, match=r"mue\.toml: \[table\] quarter is required"):
        read_bundled_mue(path)


def test_a_bad_row_names_the_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "mue.toml"
    path.write_text(FIXTURE_TABLE + '\n[[limit]]\ncode = "98941"\nmue = 1\nmai = 4\n')
    with pytest.raises(NcciFileError, match=r"mue\.toml: \[\[limit\]\] row 2"):
        read_bundled_mue(path)


def test_an_empty_table_contributes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "mue.toml"
    path.write_text('[table]\nquarter = ""\n', encoding="utf-8")
    assert read_bundled_mue(path).limits == ()
