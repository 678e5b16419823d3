"""Whole-dataset invariants, and a cross-check against simple-icd-10-cm (tests only)."""

from __future__ import annotations

import json
import re
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanclaim.icd import Dataset, DatasetRegistry, normalize_code
from cleanclaim_refdata.builder import code_notes

#: every packaged fiscal year, read from the package (FY2023 and the provisional FY2027 too)
YEARS = DatasetRegistry.packaged().fiscal_years()
_SHAPE = re.compile(r"^[A-Z](\d[0-9A-Z]|A\d)(\.[0-9A-Z]{1,4})?$")


@pytest.fixture(scope="module", params=YEARS)
def ds(request: pytest.FixtureRequest) -> Dataset:
    return DatasetRegistry.packaged().for_fiscal_year(request.param)


def test_every_code_has_a_chain_to_a_chapter(ds: Dataset) -> None:
    billable = 0
    for code in ds.codes():
        assert _SHAPE.match(code), code
        info = ds.lookup(code)
        assert info is not None, code
        assert info.code == code
        if info.parent is not None:
            assert ds.is_valid(info.parent), code
            assert code[:3] == info.parent[:3]
            assert code in ds.children(info.parent)
        else:
            assert len(code) == 3
        top = info.ancestors[-1] if info.ancestors else code
        assert len(top) == 3
        assert 1 <= info.chapter[0] <= 22 and info.chapter[1]
        assert re.match(r"^[A-Z]\w\w(-[A-Z]\w\w)?$", info.block[0]), info.block
        assert "(" not in info.block[1], info.block
        assert info.description
        if info.billable:
            billable += 1
            assert not ds.children(code), code
            assert not info.requires_seventh
            assert ds.is_billable(code)
        else:
            assert ds.children(code), code  # a header or stem always has something below
            assert not ds.is_billable(code)
            assert ds.billable_descendants(code)
    assert billable == ds.info.counts["billable"]


def test_seven_character_codes(ds: Dataset) -> None:
    expanded = 0
    for code in ds.codes():
        info = ds.lookup(code)
        assert info is not None
        stem = ds.lookup(info.parent) if info.parent else None
        if stem is not None and stem.requires_seventh:
            expanded += 1
            assert len(code) == 8 and code[:7].rstrip("X.") == stem.code.rstrip("X."), code
            assert info.description == (f"{stem.description}, {stem.seventh_characters[code[7]]}")
    assert expanded == ds.info.counts["expanded"]


def test_every_note_ref_resolves(ds: Dataset) -> None:
    """Every code named in a note exists in the same year (category at least)."""
    name = ds.info.name
    notes = json.loads((files("cleanclaim_refdata") / "data" / name / "notes.json").read_bytes())
    sections = [*code_notes(notes).values(), *notes["blocks"].values(), *notes["chapters"].values()]
    categories = {c[:3] for c in ds.codes()}
    misses = set()
    total = 0
    for by_kind in sections:
        for items in by_kind.values():
            for text, refs, *_ in items:  # a third element marks a conditional note
                if re.search(r"\([^)]*\b[A-Z]\d[0-9A-Z]\.[0-9A-Z]", text):
                    assert refs, text
                for start, end, *_ in refs:  # a fourth element is a qualifier
                    total += 1
                    for code in (start, end) if end else (start,):
                        assert code[:3] in categories, (code, text)
                        if not ds.is_valid(code):
                            misses.add(code)
    assert total > 10000
    # a handful of notes cite sub-codes that the release does not define (CMS typos)
    assert len(misses) <= 15, sorted(misses)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ABCMSTXZ0123456789. ", max_size=9))
def test_normalize_is_idempotent_and_queries_never_fail(raw: str) -> None:
    ds = DatasetRegistry.packaged().for_fiscal_year(2026)
    norm = normalize_code(raw)
    assert normalize_code(norm) == norm
    assert ds.is_billable(raw) == ds.is_billable(norm)
    assert ds.is_valid(raw) == ds.is_valid(norm)
    if ds.is_billable(raw):
        assert ds.is_valid(raw)
    info = ds.lookup(raw)
    assert (info is not None) == ds.is_valid(raw)


def test_cross_check_with_simple_icd_10_cm() -> None:
    """simple-icd-10-cm 1.5.0 ships the same April 2026 XML: codes and leaves must agree."""
    import simple_icd_10_cm as sicd  # a tox tests dependency: missing means failing

    ds = DatasetRegistry.packaged().for_fiscal_year(2026)
    # chapters are numbers, blocks are ranges (a one-category block shares its code)
    theirs = [c for c in sicd.get_all_codes(True) if "-" not in c and not c.isdigit()]
    assert set(theirs) == set(ds.codes())
    their_billable = {c for c in theirs if sicd.is_leaf(c)}
    assert their_billable == set(ds.codes(billable_only=True))
    assert len(their_billable) == 74719
    for code in ("M62.830", "S39.012A", "T36.0X1A", "S06.307A", "S13.4XXA"):
        assert sicd.get_description(code) == ds.description(code)
