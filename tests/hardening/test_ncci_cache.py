"""An official PTP file is compiled once into an indexed cache keyed by its sha256.

Parsing the CMS practitioner PTP tables (about 2 million edits) took 47 s and GBs for
every command; the compiled cache (``$XDG_CACHE_HOME/cleanclaim/ncci``) is a JSON header
and plain arrays with their own sha256, never a pickle: a damaged or edited cache is
noticed and compiled again from the official file, and it never changes an answer.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cleanclaim import ncci
from cleanclaim.config import Config
from cleanclaim.engine import Engine
from cleanclaim.ncci import load_ptp_file, official_ptp

HEADER = (
    "CPT only copyright 2025 American Medical Association. All rights reserved.\n"
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date "
    "*=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n"
)
ROWS = (
    "97140\t97530\t\t20200101\t*\t1\tMutually exclusive procedures\n"
    "97110\t97112\t*\t19960101\t20240101\t0\tStandards of medical / surgical practice\n"
    "97110\t97112\t\t20240101\t*\t1\tStandards of medical / surgical practice\n"
    "G0283\t97014\t\t20210101\t*\t9\t\n"
)
PAIRS = [("97140", "97530"), ("97110", "97112"), ("G0283", "97014"), ("97530", "97140")]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "cleanclaim" / "ncci"


def _ptp(tmp_path: Path, rows: str = ROWS) -> Path:
    path = tmp_path / "ptp.txt"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _answers(path: Path) -> dict[tuple[str, str], list[object]]:
    table = official_ptp([path])
    return {pair: [entry.edit for entry in table.get(pair, [])] for pair in PAIRS}


def _expected(path: Path) -> dict[tuple[str, str], list[object]]:
    edits = load_ptp_file(path)
    return {pair: [e for e in edits if (e.column1, e.column2) == pair] for pair in PAIRS}


def test_the_cache_answers_as_the_file_does_and_is_used_next_time(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _ptp(tmp_path)
    assert _answers(path) == _expected(path)
    compiled = list(cache.glob("ptp-*"))
    assert len(compiled) == 1
    assert compiled[0].read_bytes()[:1] != b"\x80"  # not a pickle: a digest line, then JSON

    def no_parsing(*args: object) -> None:
        raise AssertionError("the official file was parsed again")

    expected = _expected(path)
    monkeypatch.setattr(ncci, "_ptp_rows", no_parsing)
    assert _answers(path) == expected
    table = official_ptp([path])
    assert [e.edit.modifier_indicator for e in table[("97110", "97112")]] == [0, 1]
    assert table.codes() == frozenset({"97140", "97530", "97110", "97112", "G0283", "97014"})


def test_an_engine_with_the_cache_gives_the_same_edits(tmp_path: Path, cache: Path) -> None:
    path = _ptp(tmp_path)
    engine = Engine.build(config=Config(ncci_ptp=(path,)), installed=False)
    again = Engine.build(config=Config(ncci_ptp=(path,)), installed=False)
    for pair in PAIRS:
        assert engine.tables.edits_for(*pair) == again.tables.edits_for(*pair)
        assert [e.edit for e in engine.tables.edits_for(*pair)] == _expected(path)[pair]
    assert engine.tables.procedure_codes_in("edits") >= {"97140", "97530", "G0283"}
    day = date(2025, 1, 2)
    held = [e for e in engine.tables.edits_for("97110", "97112") if e.edit.holds_on(day)]
    assert [e.edit.modifier_indicator for e in held] == [1]


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "header", "index"])
def test_a_damaged_cache_is_compiled_again_and_changes_no_answer(
    tmp_path: Path, cache: Path, damage: str
) -> None:
    path = _ptp(tmp_path)
    expected = _answers(path)
    (compiled,) = cache.glob("ptp-*")
    data = bytearray(compiled.read_bytes())
    if damage == "flip":
        data[-3] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data = bytearray(b"\x80\x04K\x01.")  # a pickle is never loaded
    elif damage == "header":
        data = data.replace(b'"rows":4', b'"rows":9')
    else:  # a consistent digest over an out-of-range index: validated, not trusted
        _, rest = bytes(data).split(b"\n", 1)
        header, payload = rest.split(b"\n", 1)
        payload = b"\xff\xff\xff\x7f" + payload[4:]
        import hashlib

        body = header + b"\n" + payload
        data = bytearray(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    compiled.write_bytes(bytes(data))
    assert _answers(path) == expected
    assert _answers(path) == _expected(path)


def test_a_changed_file_gets_its_own_cache(tmp_path: Path, cache: Path) -> None:
    path = _ptp(tmp_path)
    _answers(path)
    path.write_text(HEADER + ROWS.replace("\t1\tMutually", "\t0\tMutually"), encoding="utf-8")
    assert _answers(path) == _expected(path)
    assert _answers(path)[("97140", "97530")][0].modifier_indicator == 0  # type: ignore[attr-defined]
    assert len(list(cache.glob("ptp-*"))) == 2


def test_an_unwritable_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "xdg"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = _ptp(tmp_path)
    assert _answers(path) == _expected(path)
