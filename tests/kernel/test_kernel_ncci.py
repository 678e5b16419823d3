"""The CMS NCCI PTP and MUE readers, and official rows taking precedence over plugin rows.

The files under data/ are written for these tests in the CMS column layouts, with the
copyright and header lines CMS puts on top; they are not CMS data.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from kernel_support import claim, engine_with, fixture_plugin, line, only

from cleanclaim.config import Config
from cleanclaim.contributions import Procedure, ProcedureEdit, UnitLimit
from cleanclaim.engine import Engine
from cleanclaim.ncci import NcciFileError, load_mue_file, load_ptp_file

DATA = Path(__file__).parent / "data"

PLUGIN = fixture_plugin(
    "fixture",
    procedures=[
        Procedure(code=code, label="fixture")
        for code in ("97110", "97112", "97140", "97530", "98940", "20552", "99213")
    ],
    procedure_edits=[
        # the official files below say indicator 1 for this pair
        ProcedureEdit(column1="97530", column2="97140", modifier_indicator=0, citation="plugin"),
    ],
    unit_limits=[
        UnitLimit(code="97110", max_units=2, adjudication=2, citation="plugin"),
        UnitLimit(code="97112", max_units=1, adjudication=2, citation="plugin"),
    ],
)


@pytest.mark.parametrize("name", ["ptp_sample.txt", "ptp_sample.csv"])
def test_ptp_file_loads_skipping_copyright_and_header(name: str) -> None:
    edits = load_ptp_file(DATA / name)
    assert [(e.column1, e.column2, e.modifier_indicator) for e in edits][:2] == [
        ("97530", "97140", 1),
        ("98940", "97140", 0),
    ]
    first = edits[0]
    assert first.effective_from == date(2002, 1, 1) and first.effective_to is None
    assert first.source == f"CMS NCCI PTP file {name}, line {4 if name.endswith('csv') else 5}"


def test_ptp_rationale_with_comma_survives_csv_quoting() -> None:
    assert load_ptp_file(DATA / "ptp_sample.csv")[0].rationale == (
        "Mutually exclusive procedures, per CPT"
    )


def test_ptp_deletion_date_is_the_first_day_without_the_edit() -> None:
    deleted = next(e for e in load_ptp_file(DATA / "ptp_sample.txt") if e.column1 == "97110")
    assert deleted.effective_to == date(2026, 3, 31)
    assert deleted.holds_on(date(2026, 3, 31)) and not deleted.holds_on(date(2026, 4, 1))


@pytest.mark.parametrize("name", ["mue_sample.csv", "mue_sample.txt"])
def test_mue_file_loads(name: str) -> None:
    limits = load_mue_file(DATA / name)
    assert [(u.code, u.max_units, u.adjudication) for u in limits][:2] == [
        ("97110", 6, 3),
        ("20552", 1, 2),
    ]
    assert limits[0].citation.startswith(f"CMS NCCI MUE file {name}, line ")


@pytest.mark.parametrize(
    ("name", "where", "what"),
    [
        ("ptp_bad_indicator.txt", "ptp_bad_indicator.txt:4", "modifier indicator '2'"),
        ("ptp_bad_date.txt", "ptp_bad_date.txt:2", "'2002-13-45' is not a date"),
        ("ptp_short_row.txt", "ptp_short_row.txt:2", "expected 6 or 7 columns"),
    ],
)
def test_bad_ptp_rows_name_file_and_line(name: str, where: str, what: str) -> None:
    with pytest.raises(NcciFileError) as info:
        load_ptp_file(DATA / name)
    assert where in str(info.value) and what in str(info.value)


@pytest.mark.parametrize(
    ("name", "where"),
    [("mue_bad_value.csv", "mue_bad_value.csv:3"), ("mue_bad_mai.csv", "mue_bad_mai.csv:2")],
)
def test_bad_mue_rows_name_file_and_line(name: str, where: str) -> None:
    with pytest.raises(NcciFileError, match=re.escape(where)):
        load_mue_file(DATA / name)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NcciFileError, match=r"nope\.txt: cannot read"):
        load_ptp_file(tmp_path / "nope.txt")


@pytest.fixture(scope="module")
def official() -> Engine:
    config = Config(ncci_ptp=(DATA / "ptp_sample.txt",), ncci_mue=(DATA / "mue_sample.csv",))
    engine = engine_with(PLUGIN, config=config)
    assert engine.problems == []
    return engine


def _two(first: str, second: str, *mods: str) -> dict[str, object]:
    return claim("M62.830", lines=[line(first, 1), line(second, 1, modifiers=mods)])


def test_plugin_edit_applies_without_official_files() -> None:
    [finding] = only(engine_with(PLUGIN).check(_two("97530", "97140", "XS")), "CLM203")
    assert finding.reference == "NCCI PTP edit 97530/97140, indicator 0; plugin (plugin fixture)"


def test_official_ptp_row_takes_precedence_over_plugin_row(official: Engine) -> None:
    assert only(official.check(_two("97530", "97140", "XS")), "CLM203") == []
    [finding] = only(official.check(_two("97530", "97140")), "CLM203")
    assert finding.reference.endswith("; CMS NCCI PTP file ptp_sample.txt, line 5")


def test_official_ptp_indicator_0_row(official: Engine) -> None:
    [finding] = only(official.check(_two("98940", "97140", "59")), "CLM203")
    assert "indicator 0" in finding.reference


def test_official_ptp_indicator_9_and_deleted_rows_do_not_fire(official: Engine) -> None:
    assert only(official.check(_two("20552", "99213")), "CLM203") == []
    assert only(official.check(_two("97110", "97112")), "CLM203") == []


def test_official_mue_row_takes_precedence_over_plugin_row(official: Engine) -> None:
    # plugin: 97110 at most 2 (MAI 2); official: 6 (MAI 3)
    five = claim("M62.830", lines=[line("97110", 1, units=5)])
    assert only(official.check(five), "CLM204") == []
    assert len(only(engine_with(PLUGIN).check(five), "CLM204")) == 1
    [finding] = only(official.check(claim("M62.830", lines=[line("97110", 1, units=7)])), "CLM204")
    assert "CMS NCCI MUE" in finding.reference and "MAI 3" in finding.message


def test_plugin_limit_still_applies_to_codes_the_official_file_lacks(official: Engine) -> None:
    report = official.check(claim("M62.830", lines=[line("97112", 1, units=2)]))
    [finding] = only(report, "CLM204")
    assert finding.reference == "NCCI MUE for 97112, MAI 2; plugin (plugin fixture)"


def test_config_paths_are_resolved_from_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "ncci").mkdir()
    (tmp_path / "ncci" / "ptp.txt").write_bytes((DATA / "ptp_sample.txt").read_bytes())
    (tmp_path / "cleanclaim.toml").write_text('ncci-ptp = ["ncci/ptp.txt"]\n', encoding="utf-8")
    engine = engine_with(PLUGIN, config=Config.load(tmp_path / "cleanclaim.toml"))
    assert ("98940", "97140") in engine.tables.official_edits


def test_bad_official_file_fails_the_build_naming_file_and_line() -> None:
    with pytest.raises(NcciFileError, match=r"ptp_bad_indicator\.txt:4"):
        engine_with(PLUGIN, config=Config(ncci_ptp=(DATA / "ptp_bad_indicator.txt",)))
