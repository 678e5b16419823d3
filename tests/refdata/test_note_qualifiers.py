"""Qualified references ("(S62.- with 7th character B)") in every packaged year.

The survey below is computed afresh from the official source XML with a deliberately
simple reading (a code in a parenthesis followed by "with", a parenthesis followed by "with
... character", a note ending "CODE with ... character"), independent of the builder's
parser.  Every note it finds must come out of the build with a qualifier on its references,
read or explicitly marked unread, and no other note may carry one.
"""

from __future__ import annotations

import json
import lzma
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.icd import CodeRef, Qualifier
from cleanclaim_refdata.builder import (
    NOTE_KINDS,
    REFERENCE_KINDS,
    code_notes,
    parse_refs,
    parse_source_name,
)
from cleanclaim_refdata.notes import parse_qualifier

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "refdata" / "sources"
DATA = REPO / "refdata" / "src" / "cleanclaim_refdata" / "data"
SOURCE_FILES = sorted(SOURCES.glob("*.xml.xz"))

_CODE = r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{0,4})?"
_IN_PAREN = re.compile(rf"\([^()]*{_CODE}[^()]*?with\b")
_AFTER_PAREN = re.compile(r"\)\s*with\b[^()]*\bcharacter")
_TRAILING = re.compile(rf"{_CODE}\S*\s+with\s+[^()]*\bcharacter[^()]*$")

Key = tuple[str, str, str]  # owner, note kind, note text


@cache
def survey(source: Path) -> frozenset[Key]:
    """Every reference note of the source whose words qualify a code it names."""
    root = ET.fromstring(lzma.decompress(source.read_bytes()))
    found: set[Key] = set()

    def visit(el: ET.Element, owner: str) -> None:
        for child in el:
            kind = NOTE_KINDS.get(child.tag)
            if kind in REFERENCE_KINDS:
                for note in child.findall("note"):
                    text = " ".join((note.text or "").split())
                    trailing = _TRAILING.search(text) and not re.search(r"\b(?:except|not)\b", text)
                    if _IN_PAREN.search(text) or _AFTER_PAREN.search(text) or trailing:
                        found.add((owner, kind, text))
            elif child.tag == "diag":
                visit(child, " ".join((child.findtext("name") or "").split()))
            elif child.tag == "section":
                visit(child, child.get("id", ""))

    for chapter in root.findall("chapter"):
        visit(chapter, " ".join((chapter.findtext("name") or "").split()))
    return frozenset(found)


@cache
def compiled(source: Path) -> dict[Key, list[list[Any]]]:
    """(owner, kind, text) -> refs, for every note of the committed dataset of ``source``."""
    doc = json.loads((DATA / parse_source_name(source).dataset_name / "notes.json").read_text())
    out: dict[Key, list[list[Any]]] = {}
    doc["codes"] = code_notes(doc)
    for section in ("codes", "blocks", "chapters"):
        for owner, notes in doc[section].items():
            for kind, entries in notes.items():
                for entry in entries:
                    out[(owner, kind, entry[0])] = entry[1]
    return out


def qualified(source: Path) -> dict[Key, list[dict[str, Any]]]:
    return {
        key: [r[3] for r in refs if len(r) > 3]
        for key, refs in compiled(source).items()
        if any(len(r) > 3 for r in refs)
    }


def test_every_packaged_source_is_surveyed() -> None:
    names = {parse_source_name(s).dataset_name for s in SOURCE_FILES}
    assert {"icd10cm-fy2021", "icd10cm-fy2025-april", "icd10cm-fy2026-april"} <= names


@pytest.mark.parametrize("source", SOURCE_FILES, ids=lambda p: p.name)
def test_every_qualified_note_is_read_or_marked_unread(source: Path) -> None:
    expected = survey(source)
    got = qualified(source)
    assert len(expected) > 150  # about 190 notes a year: the survey itself must find them
    assert set(got) == set(expected)
    for key, qualifiers in got.items():
        for q in qualifiers:
            if q.get("unparsed"):
                assert set(q) == {"text", "unparsed"}, key
                continue
            assert set(q) == {"text", "at", "values"}, key
            assert q["at"] == "final" or 1 <= q["at"] <= 7, key
            assert q["values"] and all(re.fullmatch(r"[0-9A-Z]+", v) for v in q["values"]), key


#: the qualifiers no reading can make sure of, per year: a range with a bare "1" or a dotted
#: tail after a subcategory (CMS later wrote "with fifth character 1"), and "to indicate
#: intent" (which characters is not said).
UNREAD = {
    "icd10cm-fy2021": {
        ("G63", "with 1"),
        ("K77", "with .9"),
        ("J84.89", "with fifth or sixth character to indicate intent"),
    },
    "icd10cm-fy2023": {("J84.89", "with fifth or sixth character to indicate intent")},
    "icd10cm-fy2025-april": {("J84.89", "with fifth or sixth character to indicate intent")},
    "icd10cm-fy2026-april": {("J84.89", "with fifth or sixth character to indicate intent")},
}


@pytest.mark.parametrize("source", SOURCE_FILES, ids=lambda p: p.name)
def test_unread_qualifiers_are_exactly_the_unreadable_ones(source: Path) -> None:
    name = parse_source_name(source).dataset_name
    unread = {
        (key[0], q["text"])
        for key, qs in qualified(source).items()
        for q in qs
        if q.get("unparsed")
    }
    assert unread == UNREAD.get(name, unread)


def test_counts_per_year_follow_the_survey() -> None:
    """The figures, so that a change in the builder that reads fewer notes is seen."""
    counts = {parse_source_name(s).dataset_name: len(survey(s)) for s in SOURCE_FILES}
    for name, count in counts.items():
        assert count == len(qualified(SOURCES / _source_name(name)))
    assert counts["icd10cm-fy2026-april"] >= counts["icd10cm-fy2021"]


def _source_name(dataset: str) -> str:
    for s in SOURCE_FILES:
        if parse_source_name(s).dataset_name == dataset:
            return s.name
    raise AssertionError(dataset)


def _refs(text: str) -> list[CodeRef]:
    out = []
    for raw in parse_refs(text):
        q = raw[3] if len(raw) > 3 else None
        qualifier = Qualifier(q["text"], q.get("at"), tuple(q.get("values", ()))) if q else None
        out.append(CodeRef(raw[0], raw[1], bool(raw[2]), qualifier))
    return out


@pytest.mark.parametrize(
    ("note", "inside", "outside"),
    [
        ("open fracture (S62.- with 7th character B)", ["S62.300B", "S62.90XB"], ["S62.300A"]),
        ("diabetes mellitus (E08-E13 with .42)", ["E11.42", "E08.42"], ["E11.9", "E11.40"]),
        ("(E08-E13 with .51-.52)", ["E11.51", "E13.52"], ["E11.59"]),
        ("(E08-E13 with .61-)", ["E11.610", "E11.618"], ["E11.620"]),
        ("(E08-E13 with .6x)", ["E11.65", "E11.620"], ["E11.51"]),
        ("current concussion (S06.0X- with seventh character A)", ["S06.0X0A"], ["S06.0X0S"]),
        ("ataxia (I69. with final characters -93)", ["I69.393", "I69.093"], ["I69.398"]),
        ("aphasia (I69. with final characters -20)", ["I69.320"], ["I69.20", "I69.328"]),
        (
            "(T36-T65 with fifth or sixth character 1-4)",
            ["T36.0X1A", "T51.91XA", "T40.414A"],
            ["T40.415A", "T36.0X5A"],
        ),
        ("(V01-V09 with 5th character 9)", ["V01.09XA"], ["V01.00XA"]),
        ("(F11-F19 with fifth to sixth characters 51)", ["F12.151"], ["F12.150"]),
        ("(E08, E09, E11, E13 with final characters .00 or .01)", ["E11.00", "E11.01"], ["E11.10"]),
        (
            "underdosing of medication (T36-T50) with fifth or sixth character 6",
            ["T36.0X6A"],
            ["T36.0X1A"],
        ),
    ],
)
def test_hand_checked_qualifiers(note: str, inside: list[str], outside: list[str]) -> None:
    refs = _refs(note)
    assert refs and all(ref.readable for ref in refs)
    assert all(any(ref.covers(c) for ref in refs) for c in inside), note
    assert not any(ref.covers(c) for ref in refs for c in outside), note


def test_unreadable_qualifier_keeps_its_range_and_says_so() -> None:
    [ref] = _refs("infectious mononucleosis (B27.0-B27.9 with 1)")
    assert not ref.readable
    assert ref.covers("B27.01") and ref.covers("B27.90")
    assert str(ref) == "B27.0-B27.9 with 1"
    assert parse_qualifier("with .9", [["B27.0", "B27.9", True]]) == {
        "text": "with .9",
        "unparsed": True,
    }


def test_open_fracture_meaning_is_read_from_the_seventh_character_table() -> None:
    doc = json.loads((DATA / "icd10cm-fy2026-april" / "notes.json").read_text())
    [ref] = next(e[1] for e in code_notes(doc)["S51"]["excludes1"] if "S52" in e[0])
    assert ref[3]["at"] == 7
    assert ref[3]["values"] == ["B", "C", "E", "F", "H", "J", "M", "N", "Q", "R"]


def test_to_ranges_are_ranges() -> None:
    assert parse_refs("code also (S00.- to S09.-)") == [["S00", "S09", True]]
