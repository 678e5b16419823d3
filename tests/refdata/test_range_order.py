"""Ranges compare as strings; the tabular list's order is not quite string order.

``DiagnosisPattern`` decides whether a code falls in a range such as ``S30-S39`` with two
string compares.  The CMS tabular list places a few letter-coded nodes out of string
order: C4A sits between C43 and C44, D3A between D36 and D37, C84.Z before C84.9.  A
range whose ends straddle such a node could then cover a code it should not, or miss
one.  These tests measure that against the document order of the official source files,
for every range the rules actually compare (Excludes1 notes at every level for ICD104,
code-first notes for ICD107, and every range in the bundled plugins' data), so the
approximation is known to be exact where it is used; any new disagreement fails here.
"""

from __future__ import annotations

import lzma
import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from cleanclaim.config import Config
from cleanclaim.contributions import DiagnosisPattern
from cleanclaim.engine import Engine
from cleanclaim.icd import Dataset, DatasetRegistry, Note
from cleanclaim_refdata.builder import parse_refs, parse_trailing_refs

SOURCES = Path(__file__).resolve().parents[2] / "refdata" / "sources"
NAME = re.compile(rb"<name>([A-Z][0-9A-Z.]*)</name>")
PLUGINS = ("physical-therapy", "chiropractic", "primary-care", "urology")


@cache
def document_order(fiscal_year: int) -> tuple[str, ...]:
    """Every node of the tabular list (undotted), in the order the source file lists them."""
    [source] = [
        p for p in SOURCES.glob("icd10cm-tabular-FY*.xml.xz") if f"FY{fiscal_year}" in p.name
    ]
    return tuple(
        m.group(1).decode().replace(".", "") for m in NAME.finditer(lzma.open(source).read())
    )


@cache
def _positions(order: tuple[str, ...]) -> dict[str, int]:
    return {code: i for i, code in enumerate(order)}


def _covered_in_document_order(order: tuple[str, ...], pattern: DiagnosisPattern) -> set[str]:
    where = _positions(order)
    first, last = where[pattern.low], where[pattern.high]
    while last + 1 < len(order) and order[last + 1].startswith(pattern.high):
        last += 1  # the range's last node includes its descendants
    return set(order[first : last + 1])


def _disagreements(order: tuple[str, ...], ranges: set[str]) -> list[str]:
    nodes = sorted(order)
    known = set(order)
    out = []
    for text in sorted(ranges):
        pattern = DiagnosisPattern.parse(text)
        if pattern.low not in known or pattern.high not in known:
            continue  # an end that names no node (a CMS typo) is not a range we can judge
        # what two string compares cover: a contiguous stretch of the sorted nodes
        by_strings = {code for code in _stretch(nodes, pattern) if pattern.covers(code)}
        if by_strings != _covered_in_document_order(order, pattern):
            out.append(text)
    return out


def _notes_rules_compare(ds: Dataset) -> list[Note]:
    """Excludes1 notes at every level (ICD104) and code-first notes (ICD107)."""
    notes: list[Note] = []
    blocks: set[str] = set()
    chapters: set[int] = set()
    for code in ds.codes():
        info = ds.lookup(code)
        assert info is not None
        notes += [*info.excludes1, *info.code_first]
        if info.block[0] not in blocks:
            blocks.add(info.block[0])
            notes += ds.block_notes(info.block[0]).get("excludes1", ())
        if info.chapter[0] not in chapters:
            chapters.add(info.chapter[0])
            notes += ds.chapter_notes(info.chapter[0]).get("excludes1", ())
    return notes


def _as_written(note: Note) -> list[DiagnosisPattern]:
    """The note's references as CMS wrote them (the builder's parse of the note's text)."""
    return [
        DiagnosisPattern.parse(f"{start}-{end}" if end else start)
        for start, end, *_ in parse_refs(note.text) + parse_trailing_refs(note.text)
    ]


def _stretch(nodes: list[str], pattern: DiagnosisPattern) -> list[str]:
    """The sorted nodes two string compares can reach for ``pattern``."""
    return nodes[bisect_left(nodes, pattern.low) : bisect_right(nodes, pattern.high + "~")]


#: every year packaged from a tabular XML (FY2027's notes are FY2026's, checked with it)
TABULAR_YEARS = sorted(
    {int(p.name[len("icd10cm-tabular-FY") :][:4]) for p in SOURCES.glob("icd10cm-tabular-FY*")}
)


@pytest.mark.parametrize("fiscal_year", TABULAR_YEARS)
def test_notes_cover_what_the_tabular_order_puts_in_their_ranges(fiscal_year: int) -> None:
    """For every note a rule reads: the codes its stored references cover, compared as
    strings, are the codes the references as written cover in the tabular order."""
    order = document_order(fiscal_year)
    known = _positions(order)
    nodes = sorted(order)
    ds = DatasetRegistry.packaged().for_fiscal_year(fiscal_year)
    checked = 0
    for note in _notes_rules_compare(ds):
        written = _as_written(note)
        ranges = [p for p in written if p.low != p.high]
        if not ranges or any(p.low not in known or p.high not in known for p in ranges):
            continue  # no range, or an end that names no node (a CMS typo)
        expected: set[str] = set()
        for pattern in written:
            if pattern.low == pattern.high:
                expected |= {n for n in _stretch(nodes, pattern) if n.startswith(pattern.low)}
            else:
                expected |= _covered_in_document_order(order, pattern)
        # the ranges alone: a qualifier ("with 7th character B") narrows what they cover
        stored = [DiagnosisPattern.parse(str(replace(ref, qualifier=None))) for ref in note.refs]
        candidates = expected.union(*(_stretch(nodes, p) for p in stored))
        got = {n for n in candidates if any(p.covers(n) for p in stored)}
        assert got == expected, note.text
        checked += 1
    assert checked > 100


def test_the_check_can_fail() -> None:
    """Ranges as CMS writes them that straddle out-of-order nodes disagree (the builder
    rewrites them: see ``put_ranges_in_tabular_order``)."""
    assert _disagreements(document_order(2026), {"D37-D44", "C96.0-C96.9", "S30-S39"}) == [
        "C96.0-C96.9",  # misses C96.A and C96.Z, listed before C96.9
        "D37-D44",  # takes in D3A, listed before D37
    ]


def test_ranges_in_the_bundled_plugins_follow_the_tabular_order() -> None:
    tables = Engine.build(config=Config(plugins=PLUGINS)).tables
    patterns = [p for ps in tables.pairings.values() for c in ps for p in c.patterns]
    patterns += [p for cs in tables.documentation.values() for c in cs for p in c.patterns]
    patterns += [p for pair in tables.integral_pairs for p in (pair.symptom, pair.definitive)]
    ranges = {str(p) for p in patterns if p.low != p.high}
    assert ranges  # the plugins do use ranges
    assert _disagreements(document_order(2026), ranges) == []
