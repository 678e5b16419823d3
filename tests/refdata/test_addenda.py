"""The FY2027 order addenda applied to the April 2026 tabular: exact code set, placed codes,
and every line the builder cannot place is an error, never silence."""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest

from cleanclaim.icd import Dataset, DatasetRegistry
from cleanclaim_refdata.addenda import (
    Addenda,
    AddendaError,
    Applied,
    apply_addenda,
    parse_addenda,
)
from cleanclaim_refdata.builder import _Compiler, compile_tabular
from cleanclaim_refdata.codes import pad_stem

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "refdata" / "sources"
ADDENDA = SOURCES / "icd10cm-order-addenda-FY2027.txt"


def _billable(comp: _Compiler) -> set[str]:
    out: set[str] = set()
    for e in comp.codes.values():
        if e.kind == "B":
            out.add(e.code)
        elif e.kind == "S":
            out.update(pad_stem(e.code) + ch for ch in e.allowed)
    return out


@pytest.fixture(scope="module")
def addenda() -> Addenda:
    return parse_addenda(ADDENDA.read_bytes(), ADDENDA.name)


@pytest.fixture(scope="module")
def fy2027(addenda: Addenda) -> tuple[set[str], set[str], _Compiler, Applied]:
    xml = lzma.decompress((SOURCES / "icd10cm-tabular-FY2026-April.xml.xz").read_bytes())
    comp = compile_tabular(xml, "2026-April", "FY2026-April")
    before = _billable(comp)
    applied = apply_addenda(comp, addenda, ADDENDA.name)
    return before, _billable(comp), comp, applied


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return DatasetRegistry.packaged().for_fiscal_year(2027)


def test_parse(addenda: Addenda) -> None:
    actions = [ln.action for ln in addenda.lines]
    assert actions.count("add") == 253 and actions.count("delete") == 36
    assert actions.count("revise_from") == actions.count("revise_to") == 4
    s = addenda.summary
    assert (s["codes_before"], s["codes_after"]) == (74719, 74879)
    assert (s["headers_before"], s["headers_after"]) == (23467, 23524)
    assert (s["codes_additions"], s["codes_deletions"], s["codes_revisions"]) == (190, 30, 4)
    first = addenda.lines[0]
    assert (first.code, first.billable, first.long) == (
        "C78.31",
        True,
        "Secondary malignant neoplasm of larynx",
    )
    long_one = next(ln for ln in addenda.lines if ln.code == "O31.40X0")
    assert long_one.short.startswith("Cont preg aft vanishing twin")
    assert long_one.long.startswith("Continuing pregnancy after vanishing twin syndrome")


def test_billable_set_is_the_fy2027_order_file(
    fy2027: tuple[set[str], set[str], _Compiler, Applied], addenda: Addenda
) -> None:
    before, after, comp, _ = fy2027
    assert len(before) == 74719
    assert len(after) == 74879
    assert sum(1 for e in comp.codes.values() if e.kind != "B") == 23524


def test_difference_is_exactly_the_additions_and_deletions(
    fy2027: tuple[set[str], set[str], _Compiler, Applied], addenda: Addenda
) -> None:
    before, after, _, applied = fy2027
    added = {ln.code for ln in addenda.lines if ln.action == "add" and ln.billable}
    deleted = {ln.code for ln in addenda.lines if ln.action == "delete" and ln.billable}
    assert (len(added), len(deleted)) == (190, 30)
    assert after - before == added == applied.added
    assert before - after == deleted == applied.deleted
    assert after == (before | added) - deleted


def test_the_packaged_dataset_is_the_built_one(
    fy2027: tuple[set[str], set[str], _Compiler, Applied], ds: Dataset
) -> None:
    _, after, _, _ = fy2027
    assert set(ds.codes(billable_only=True)) == after
    assert ds.info.provisional and "FY2026's" in ds.info.provisional
    assert ds.info.name == "icd10cm-fy2027-provisional"


@pytest.mark.parametrize("code", ["D69.1", "I42.0", "I42.8", "M72.2", "Z87.890"])
def test_billable_codes_deleted_and_re_added_with_flag_0_become_headers(
    ds: Dataset, code: str
) -> None:
    fy26 = DatasetRegistry.packaged().for_fiscal_year(2026)
    assert fy26.is_billable(code)
    info = ds.lookup(code)
    assert info is not None and not info.billable
    kids = ds.children(code)
    assert kids and all(ds.is_billable(k) for k in kids)
    # the header keeps its FY2026 notes, so the new codes below it inherit them
    if fy26.excludes1(code):
        for kid in kids:
            assert set(fy26.excludes1(code)) <= set(ds.excludes1(kid)), kid


def test_new_codes_sit_under_their_ancestors(ds: Dataset) -> None:
    d6911 = ds.lookup("D69.11")
    assert d6911 is not None and d6911.parent == "D69.1" and d6911.ancestors == ("D69.1", "D69")
    assert d6911.block[0] == "D65-D69" and d6911.chapter[0] == 3
    assert d6911.description == "Glanzmann thrombasthenia"
    # an 8-character code below a 7-character header that is not a stem (M86 has no 7th
    # character) is an ordinary billable code
    m = ds.lookup("M86.8X11")
    assert m is not None and m.billable and m.parent == "M86.8X1" and not m.seventh_characters


def test_new_stems_take_exactly_the_7th_characters_listed(ds: Dataset, addenda: Addenda) -> None:
    for stem in ("O31.40", "O31.43", "T52.811", "T59.824", "T65.853"):
        listed = {
            ln.code[7]
            for ln in addenda.lines
            if ln.action == "add" and len(ln.code) == 8 and ln.code[:7] == pad_stem(stem)
        }
        info = ds.lookup(stem)
        assert info is not None and info.requires_seventh, stem
        assert set(info.seventh_characters) == listed, stem
    assert set(ds.seventh_characters("O31.40")) == set("0123459")
    assert set(ds.seventh_characters("T52.811")) == set("ADS")
    hit = ds.lookup("O31.40X1")
    assert hit is not None and hit.billable and hit.parent == "O31.40"
    assert hit.description.startswith("Continuing pregnancy after vanishing twin syndrome")
    # the 7th-character definition is inherited from the category, as in the tabular list
    assert ds.seventh_characters("T52.811") == ds.seventh_characters("T52.0X1")


def test_deleted_codes_are_gone(ds: Dataset) -> None:
    for code in ("T52.8X", "T52.8X1", "T52.8X1A", "S23.420", "S23.420A"):
        assert not ds.is_valid(code), code
    assert ds.is_valid("S23.421A") and ds.is_valid("T52.8") and ds.is_billable("T52.891A")


def test_revised_titles_and_new_categories(
    ds: Dataset, fy2027: tuple[set[str], set[str], _Compiler, Applied]
) -> None:
    assert ds.description("L02.232") == "Carbuncle of back [any part, except buttock and flank]"
    assert ds.description("Z29.14") == "Encounter for prophylactic rabies immune globulin"
    assert fy2027[3].new_categories == {"J4B": "J40-J4A", "K6A": "K65-K68", "QA1": "QA0"}
    qa = ds.lookup("QA1.792")
    assert qa is not None and qa.billable and qa.chapter[0] == 17 and qa.block[0] == "QA0"
    assert ds.billable_descendants("K6A") == ("K6A.01", "K6A.09", "K6A.8")


# -- every line the builder cannot place is an error ------------------------------------

_MINI = b"""<ICD10CM.tabular><version>2026</version>
<chapter><name>1</name><desc>Mini (A00-S09)</desc>
<section id="A00-A09"><desc>Block A</desc>
 <diag><name>A00</name><desc>Cholera</desc>
  <diag><name>A00.0</name><desc>Cholera one</desc></diag>
  <diag><name>A00.1</name><desc>Cholera two</desc></diag></diag>
 <diag><name>A01</name><desc>Typhoid</desc></diag>
</section>
<section id="S00-S09"><desc>Block S</desc>
 <diag><name>S00</name><desc>Superficial injury</desc>
  <sevenChrDef><extension char="A">initial encounter</extension>
   <extension char="D">subsequent encounter</extension></sevenChrDef>
  <diag><name>S00.0</name><desc>Scalp</desc></diag></diag>
</section></chapter></ICD10CM.tabular>"""


def _line(action: str, flag: int, code: str, title: str) -> str:
    return f"{action:<13}{flag} {code.replace('.', ''):<7} {title:<60} {title}"


def _addenda(lines: list[str], headers: tuple[int, int], codes: tuple[int, int]) -> bytes:
    summary = [
        "",
        "Headers",
        f"  {headers[0]} headers in icd10cm_order_2026.txt",
        f"  {headers[1]} headers in icd10cm_order_2027.txt",
        "",
        "Codes",
        f"  {codes[0]} codes in icd10cm_order_2026.txt",
        f"  {codes[1]} codes in icd10cm_order_2027.txt",
    ]
    return "\r\n".join([*lines, *summary, ""]).encode("ascii")


def _apply(lines: list[str], headers: tuple[int, int], codes: tuple[int, int]) -> _Compiler:
    comp = compile_tabular(_MINI, "2026", "mini")
    apply_addenda(comp, parse_addenda(_addenda(lines, headers, codes), "mini"), "mini")
    return comp


def test_mini_addenda_applies() -> None:
    comp = _apply(
        [
            _line("Delete:", 1, "A01", "Typhoid"),
            _line("Add:", 0, "A01", "Typhoid fever"),
            _line("Add:", 1, "A01.1", "Typhoid one"),
            _line("Add:", 1, "A01.9", "Typhoid unspecified"),
            _line("Add:", 1, "A02", "Other salmonella"),
            _line("Add:", 0, "S00.1", "Eyelid"),
            _line("Add:", 1, "S00.1XXA", "Eyelid, initial"),
        ],
        headers=(3, 5),
        codes=(5, 8),
    )
    assert comp.codes["A01"].kind == "H" and comp.codes["A01"].desc == "Typhoid fever"
    assert comp.codes["A02"].parent is None and comp.blocks[comp.categories["A02"]][0] == "A00-A09"
    stem = comp.codes["S00.1"]
    assert (stem.kind, stem.allowed, stem.parent) == ("S", "A", "S00")  # D is not listed


@pytest.mark.parametrize(
    ("lines", "headers", "codes", "message"),
    [
        ([_line("Add:", 1, "B99.1", "x")], (3, 3), (5, 6), "no category above it"),
        ([_line("Add:", 1, "A00.0", "x")], (3, 3), (5, 6), "already a code of the base"),
        ([_line("Delete:", 1, "A00.9", "x")], (3, 3), (5, 4), "not a code of the base"),
        ([_line("Delete:", 0, "A00.0", "x")], (3, 2), (5, 5), "deleted with flag 0"),
        ([_line("Add:", 0, "A03", "x")], (3, 4), (5, 5), "added as a header with nothing"),
        ([_line("Add:", 1, "S00.2", "x")], (3, 3), (5, 6), "without its 7th character"),
        ([_line("Add:", 1, "A00.11", "x")], (3, 3), (5, 6), "under A00.1, which stays billable"),
        (
            [_line("Delete:", 1, "A00.0", "x"), _line("Delete:", 1, "A00.1", "x")],
            (3, 3),
            (5, 3),
            "header A00 has nothing left below it",
        ),
        (
            [_line("Delete:", 0, "S00.0", "x")],
            (3, 2),
            (5, 3),
            "stem deleted, but its 7th characters AD are not",
        ),
        ([_line("Add:", 1, "A01.1", "x")], (3, 3), (5, 6), "under A01, which stays billable"),
        ([_line("Add:", 1, "A02", "x")], (3, 3), (5, 7), "the summary says 7 for codes after"),
        ([_line("Add:", 1, "A02", "x")], (4, 4), (6, 7), "not the base release"),
        (
            [
                _line("Revise from:", 1, "A00.0", "Wrong title"),
                _line("Revise to:", 1, "A00.0", "y"),
            ],
            (3, 3),
            (5, 5),
            "'Revise from' title is not the base's",
        ),
    ],
)
def test_a_line_that_cannot_be_placed_is_an_error(
    lines: list[str], headers: tuple[int, int], codes: tuple[int, int], message: str
) -> None:
    with pytest.raises(AddendaError, match=message):
        _apply(lines, headers, codes)


def test_unreadable_lines_are_named() -> None:
    with pytest.raises(AddendaError, match=r"mini line 1: not an addenda line: 'Modify: A00'"):
        parse_addenda(_addenda(["Modify: A00"], (3, 3), (5, 5)), "mini")
    with pytest.raises(AddendaError, match="no Add/Delete/Revise lines"):
        parse_addenda(_addenda([], (3, 3), (5, 5)), "mini")
    with pytest.raises(AddendaError, match="not an ASCII"):
        parse_addenda("Add:  é".encode(), "mini")
    with pytest.raises(AddendaError, match="the closing summary has no headers before"):
        parse_addenda(_line("Add:", 1, "A02", "x").encode() + b"\r\nCodes\r\n  5 codes in a\r\n")


def test_every_added_code_reads_as_the_order_file_titles_it(ds: Dataset, addenda: Addenda) -> None:
    """Also for the 7-character codes, whose title the kernel composes from the stem and the
    inherited 7th-character definition: a wrong inheritance would show here."""
    adds = [ln for ln in addenda.lines if ln.action == "add"]
    assert len(adds) == 253
    assert [ln.code for ln in adds if ds.description(ln.code) != ln.long] == []
    assert all(ds.is_billable(ln.code) == ln.billable for ln in adds)
