"""Queries on one fiscal year: validity, billability, hierarchy, notes, 7th characters."""

from __future__ import annotations

import threading

import pytest

from cleanclaim.codes import placeholder_completions
from cleanclaim.icd import CodeRef, Dataset, DatasetRegistry, normalize_code


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("m62830 ", "M62.830"),
        ("M62.830", "M62.830"),
        (" s39.012a", "S39.012A"),
        ("M54", "M54"),
        ("m5 4.5", "M54.5"),
        ("A0", "A0"),
    ],
)
def test_normalize_code(raw: str, norm: str) -> None:
    assert normalize_code(raw) == norm


def test_billable_counts(fy2021: Dataset, fy2025: Dataset, fy2026: Dataset) -> None:
    assert sum(1 for _ in fy2021.codes(billable_only=True)) == 72621
    assert sum(1 for _ in fy2025.codes(billable_only=True)) == 74260
    assert sum(1 for _ in fy2026.codes(billable_only=True)) == 74719
    assert fy2026.info.counts["billable"] == 74719
    assert fy2021.info.counts["billable"] == 72621


def test_valid_and_billable_accept_any_spelling(fy2026: Dataset) -> None:
    for spelling in ("M62.830", "m62830", "M62830", " m62.830 "):
        assert fy2026.is_valid(spelling)
        assert fy2026.is_billable(spelling)
    assert fy2026.is_valid("M62.83") and not fy2026.is_billable("M62.83")
    assert not fy2026.is_valid("M62.839") and not fy2026.is_billable("M62.839")
    assert not fy2026.is_billable("") and not fy2026.is_valid("")
    assert not fy2026.is_billable("M54.5")
    assert fy2026.is_billable("M54.50")


def test_m54_5_changed_between_years(fy2021: Dataset, fy2026: Dataset) -> None:
    assert fy2021.is_billable("M54.5")
    assert not fy2021.is_valid("M54.50")
    assert fy2026.billable_descendants("M54.5") == ("M54.50", "M54.51", "M54.59")


def test_s39_012(fy2026: Dataset, fy2021: Dataset) -> None:
    for ds in (fy2021, fy2026):
        assert ds.children("S39.012") == ("S39.012A", "S39.012D", "S39.012S")
        assert not ds.is_billable("S39.012")
        for ch in "ADS":
            assert ds.is_billable(f"S39.012{ch}")
        assert not ds.is_valid("S39.012B")
        info = ds.lookup("S39.012A")
        assert info is not None
        assert info.description == (
            "Strain of muscle, fascia and tendon of lower back, initial encounter"
        )
        assert info.parent == "S39.012"
        assert info.ancestors == ("S39.012", "S39.01", "S39.0", "S39")
        assert info.block[0] == "S30-S39"
        assert info.chapter[0] == 19
        stem = ds.lookup("s39012")
        assert stem is not None and stem.requires_seventh and not stem.billable
        assert stem.seventh_characters == {
            "A": "initial encounter",
            "D": "subsequent encounter",
            "S": "sequela",
        }


def test_t36_placeholder(fy2026: Dataset) -> None:
    # T36's <sevenChrDef> lists A, D, S; T36.0X1 is 6 characters, so no further padding.
    assert fy2026.seventh_characters("T36.0X1") == {
        "A": "initial encounter",
        "D": "subsequent encounter",
        "S": "sequela",
    }
    assert fy2026.children("T36.0X1") == ("T36.0X1A", "T36.0X1D", "T36.0X1S")
    assert fy2026.is_billable("T36.0X1A") and fy2026.is_billable("t360x1s")
    assert not fy2026.is_valid("T36.01A")
    assert placeholder_completions("T36.01A", fy2026.is_billable) == ("T36.0X1A",)
    assert placeholder_completions("T3601A", fy2026.is_billable) == ("T36.0X1A",)
    # T36.0X is a placeholder node: a header, not billable
    assert fy2026.is_valid("T36.0X") and not fy2026.is_billable("T36.0X")


def test_short_code_padding(fy2026: Dataset) -> None:
    assert fy2026.is_billable("S13.4XXA")
    assert not fy2026.is_valid("S13.4A")
    assert placeholder_completions("S13.4A", fy2026.is_billable) == ("S13.4XXA",)
    assert placeholder_completions("S134A", fy2026.is_billable) == ("S13.4XXA",)
    assert placeholder_completions("S13.4XXA", fy2026.is_billable) == ()
    assert fy2026.seventh_characters("S13.4") == fy2026.seventh_characters("S13.4XX")
    assert set(fy2026.seventh_characters("S13.4")) == {"A", "D", "S"}
    assert fy2026.seventh_characters("M62.830") == {}


def test_s06_sixth_character_7_and_8(fy2021: Dataset, fy2026: Dataset) -> None:
    """S06 note: 7th characters D and S do not apply when the 6th character is 7 or 8."""
    for ds in (fy2021, fy2026):
        assert ds.children("S06.307") == ("S06.307A",)
        assert ds.children("S06.308") == ("S06.308A",)
        assert ds.children("S06.306") == ("S06.306A", "S06.306D", "S06.306S")
        assert ds.is_billable("S06.307A")
        assert not ds.is_valid("S06.307D") and not ds.is_valid("S06.307S")
        assert ds.seventh_characters("S06.307") == {"A": "initial encounter"}
    for code in fy2026.codes():
        if code.startswith("S06") and len(code) == 8 and code[6] in "78":
            assert code[7] == "A", code


def test_subcategory_seventh_def_overrides_category(fy2026: Dataset) -> None:
    # H40.11 has its own <sevenChrDef> (stage of glaucoma: 0-4)
    assert set(fy2026.seventh_characters("H40.111")) == {"0", "1", "2", "3", "4"}


def test_lookup_fields(fy2026: Dataset) -> None:
    info = fy2026.lookup("m62830")
    assert info is not None
    assert info.code == "M62.830"
    assert info.description == "Muscle spasm of back"
    assert info.billable and not info.requires_seventh
    assert info.parent == "M62.83"
    assert info.ancestors == ("M62.83", "M62.8", "M62")
    assert info.chapter == (13, "Diseases of the musculoskeletal system and connective tissue")
    assert info.block == ("M60-M63", "Disorders of muscles")
    header = fy2026.lookup("M54.5")
    assert header is not None and not header.billable
    texts = [n.text for n in header.excludes1]
    assert "low back strain (S39.012)" in texts
    assert fy2026.lookup("Q99.99") is None
    m5450 = fy2026.lookup("M54.50")
    assert m5450 is not None
    assert [n.text for n in m5450.inclusion_terms] == ["Loin pain", "Lumbago NOS"]


def test_excludes_inherited(fy2026: Dataset) -> None:
    refs = fy2026.excludes1("M54.50")
    assert CodeRef("S39.012", None, False) in refs  # from M54.5
    assert any(r.covers("S39.012A") for r in refs)
    assert any(r.covers("M51.26") for r in refs)  # M51.2- from M54.5
    # the block M60-M63 excludes1 dermatopolymyositis (M33.-) for M62.830
    assert any(r.covers("M33.12") for r in fy2026.excludes1("M62.830"))
    # an expanded code inherits its stem's chain
    assert fy2026.excludes2("S39.012A") == fy2026.excludes2("S39.012")


def test_coderef_covers() -> None:
    assert CodeRef("M79.1", None, True).covers("M79.18")
    assert CodeRef("S39.012").covers("S39.012A")
    assert CodeRef("S30", "S39", True).covers("S39.012A")
    assert CodeRef("S30", "S39", True).covers("S30")
    assert not CodeRef("S30", "S39", True).covers("S40.011A")
    assert not CodeRef("S30", "S39", True).covers("S29.9XXA")
    assert CodeRef("R10.1", "R10.4", True).covers("R10.84") is False
    assert CodeRef("R10.1", "R10.4", True).covers("R10.33")
    assert CodeRef("C49", None, True).covers("c49.9")
    assert not CodeRef("R10.2").covers("R10.30")
    assert str(CodeRef("C49", None, True)) == "C49.-"
    assert str(CodeRef("M51.2", None, True)) == "M51.2-"
    assert str(CodeRef("S30", "S39", True)) == "S30-S39"


def test_children_and_descendants(fy2026: Dataset) -> None:
    assert fy2026.children("M62.83") == ("M62.830", "M62.831", "M62.838")
    assert fy2026.billable_descendants("M62.83") == ("M62.830", "M62.831", "M62.838")
    assert fy2026.billable_descendants("M62.830") == ("M62.830",)
    assert fy2026.children("NOPE") == ()
    d = fy2026.billable_descendants("S39.01")
    assert "S39.012A" in d and list(d) == sorted(d)


def test_search(fy2026: Dataset) -> None:
    hits = fy2026.search("muscle spasm back")
    assert hits[0].code == "M62.830"
    assert fy2026.search("MUSCLE-SPASM, of back!")[0].code == "M62.830"
    assert fy2026.search("m62830")[0].code == "M62.830"
    assert [h.code for h in fy2026.search("M62.83", limit=3)] == ["M62.83", "M62.830", "M62.831"]
    lumbago = [h for h in fy2026.search("lumbago NOS") if h.code == "M54.50"]
    assert lumbago and lumbago[0].matched_term == "Lumbago NOS"
    strain = fy2026.search("strain lower back initial encounter")
    assert strain[0].code == "S39.012A"
    assert fy2026.search("") == []
    assert len(fy2026.search("pain", limit=7)) == 7


def test_search_synonyms(fy2026: Dataset) -> None:
    plain = [h.code for h in fy2026.search("back cramp", limit=50)]
    with_syn = [
        h.code for h in fy2026.search("back cramp", limit=50, synonyms={"cramp": ["spasm"]})
    ]
    assert plain[0] != "M62.830"
    assert with_syn[0] == "M62.830"


def test_codes_sorted_unique(fy2026: Dataset) -> None:
    codes = list(fy2026.codes())
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes)) == fy2026.info.counts["codes"]


def test_concurrent_first_load(reg: DatasetRegistry) -> None:
    fresh = DatasetRegistry(reg._dir)
    ds = fresh.for_fiscal_year(2025)
    results: list[bool] = []

    def work() -> None:
        results.append(ds.is_billable("S39.012A") and ds.lookup("M62.830") is not None)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 8


def test_the_7th_character_index_waits_for_the_first_7th_character_code() -> None:
    """A year asked only about other codes (``cleanclaim code M62.830``) never builds the
    index of its 7th characters (issue 18); the first 7-character code builds it, and the
    answers are those of a year already in use."""
    from importlib.resources import files

    used = DatasetRegistry.packaged().for_fiscal_year(2026)
    fresh = Dataset(used.info, files("cleanclaim_refdata") / "data" / used.info.name)
    for code in ("M62.830", "M62.83", "M54.5", "M54.50", "R52"):
        assert fresh.lookup(code) == used.lookup(code)
        assert fresh.is_billable(code) == used.is_billable(code)
    assert fresh._stem7 is None
    assert fresh.is_billable("S39.012A") and not fresh.is_billable("S39.012Z")
    assert fresh._stem7 is not None
    for code in ("S39.012", "S39.012A", "T36.0X1D", "S13.4XXA", "S32.XXXA"):
        assert fresh.lookup(code) == used.lookup(code), code
        assert fresh.seventh_characters(code[:7]) == used.seventh_characters(code[:7]), code
