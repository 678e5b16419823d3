"""Compile the CMS ICD-10-CM Tabular List XML into datasets that load in milliseconds.

Parsing the XML takes seconds and hundreds of megabytes; a claim checker starts far more
often than the code set changes.  So the tabular list is compiled once, here, into a
columnar JSON layout (a few long lists of strings and integers that ``json.loads`` turns
into Python objects at C speed) and the notes, which only look-ups and searches need, into
a second file that the kernel reads lazily.

Only the stdlib is used so that a fresh clone can rebuild every packaged dataset with no
network and no dependency.  Output is deterministic: sorted keys, fixed separators, no
timestamps, so the committed bytes can be checked against a rebuild in CI.

Rules that the XML states only in prose and that are honoured here:

* A code whose category or subcategory has a ``<sevenChrDef>`` is billable only with a 7th
  character; shorter codes are padded with the placeholder ``X`` (T36.0X1A, S13.4XXA).
  A subcategory's ``<sevenChrDef>`` overrides its category's.
* "7th characters D and S do not apply to codes in category S06 with 6th character 7 ...
  or 8" -- such notes are parsed (not hard-coded) by `parse_seventh_exclusions()`.
* ``placeholder="true"`` nodes (S06.0X, T36.0X, M01.X) are kept as ordinary header codes:
  the CMS code list has them, and a claim that carries one is better told "header, use
  T36.0X1A" than "no such code".  They are listed under ``placeholders`` in the notes.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cleanclaim_refdata.codes import dotted, in_range
from cleanclaim_refdata.notes import (
    conditional_code_first,
    is_manifestation_title,
    parse_qualifier,
    resolve_meaning,
)
from cleanclaim_refdata.releases import (
    MONTHS,
    ServiceWindow,
    known_file,
    parse_release,
    release_date,
    release_label,
    release_month,
    service_window,
)

FORMAT_VERSION = 1
#: ``notes.json`` format 2: each code's notes are a JSON text of their own (format 1: an
#: object), so that a reader decodes the few codes a claim names instead of all ~10,000.
NOTES_FORMAT = 2
SYSTEM = "ICD-10-CM"

#: XML elements that carry notes, mapped to the key used in the compiled notes file.
NOTE_KINDS: dict[str, str] = {
    "inclusionTerm": "inclusion_terms",
    "includes": "includes",
    "excludes1": "excludes1",
    "excludes2": "excludes2",
    "codeFirst": "code_first",
    "useAdditionalCode": "use_additional",
    "codeAlso": "code_also",
    "notes": "notes",
    "sevenChrNote": "seventh_note",
}

_SOURCE_NAME = re.compile(r"^icd10cm-tabular-FY(?P<fy>\d{4})(?P<april>-April)?\.xml\.xz$")

# One code reference: a category, optionally with a dotted tail, optionally followed by
# a dash ("M51.2-", "C49.-") meaning "and everything below".
_CAT = r"[A-Z](?:\d[0-9A-Z]|A\d)"  # A00, C4A, and since April 2026 QA0
_CODE = rf"{_CAT}(?:\.[0-9A-Z]{{1,4}})?"
_REF = re.compile(
    rf"(?<![0-9A-Za-z.])(?P<start>{_CODE})(?P<sdash>\.?-(?!\s*{_CAT}))?"
    rf"(?:\s*-{{1,2}}\s*(?P<end>{_CODE})(?P<edash>\.?-)?)?(?![0-9A-Z])"
)
_PAREN = re.compile(r"\(([^()]*)")  # a few notes never close the parenthesis
#: "(S00.- to S09.-)", "(M05.00 to M05.8A)": a range written with "to".
_TO_RANGE = re.compile(rf"(?<=[0-9A-Z-])\s+to\s+(?={_CAT})")
#: the word that starts a qualifier inside a parenthesis ("S92.-with 7th character B").
_WITH = re.compile(r"with\b")
#: a character qualifier just after the parenthesis: "(T36-T50) with fifth or sixth
#: character 6"; prose ("(E11) with ketoacidosis") names no character and is left alone.
_AFTER_PAREN = re.compile(r"\)\s*(with\b[^()]*?\bcharacters?\b[^(),;]*)")
_TRAILING_QUALIFIER = re.compile(r"\s+(with\s+[^()]*\bcharacters?\b[^()]*)$")
_TRAILING_RANGE = re.compile(rf"\s*\({_CAT}(?:-{_CAT})?\)\s*$")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a source file holds: its name says the fiscal year and whether it is an April
    update; ``listed_release``, when known_files.toml lists the file by its sha256, says
    which release it really is (the FY2021 XML is the January 2021 update)."""

    path: Path
    fiscal_year: int
    april: bool
    listed_release: str | None = None

    @property
    def dataset_name(self) -> str:
        """From the file name, so a packaged dataset keeps its name when known_files.toml
        corrects its release (``icd10cm-fy2021`` holds the January 2021 update)."""
        return f"icd10cm-fy{self.fiscal_year}" + ("-april" if self.april else "")

    @property
    def named_release(self) -> str:
        return f"{self.fiscal_year}-April" if self.april else str(self.fiscal_year)

    @property
    def release(self) -> str:
        return self.listed_release or self.named_release

    @property
    def release_date(self) -> date:
        return release_date(self.release)


def parse_source_name(path: Path) -> SourceInfo:
    m = _SOURCE_NAME.match(path.name)
    if m is None:
        raise ValueError(
            f"{path.name}: not a source name the builder knows "
            "(icd10cm-tabular-FY<YEAR>[-April].xml.xz)"
        )
    return SourceInfo(path, int(m["fy"]), m["april"] is not None)


def resolve_source(path: Path, checksums: dict[str, str]) -> SourceInfo:
    """`parse_source_name()`, with the release known_files.toml gives the file by the
    sha256 SHA256SUMS.raw lists for it (checked against the bytes when it is compiled)."""
    info = parse_source_name(path)
    digest = checksums.get(path.name.removesuffix(".xz"))
    listed = known_file(digest) if digest else None
    if listed is None or listed.release == info.named_release:
        return info
    fy, _ = parse_release(listed.release)
    if fy != info.fiscal_year:
        raise ValueError(
            f"{path.name}: known_files.toml lists its sha256 as release {listed.release}, "
            f"not of fiscal year {info.fiscal_year}"
        )
    return SourceInfo(path, info.fiscal_year, info.april, listed.release)


def parse_refs(text: str) -> list[list[Any]]:
    """Code references inside the parentheses of a note, as ``[start, end, descendants]``,
    with a fourth element when the note qualifies them.

    Only parenthesised text is read: the notes' prose mentions things like "vitamin B12"
    that look like codes, but CMS always puts the referenced codes in parentheses:
    ``(M51.2-)``, ``(S30-S39)``, ``(C49.-, C79.89)``, ``(S00.- to S09.-)``.
    A dash means "and all below"; a range covers everything from start to end inclusive.
    Words after "with" in the parenthesis (``(S32.1--S32.9 with 7th character B)``), or a
    character qualifier right after it (``(T36-T50) with fifth or sixth character 6``),
    narrow the references before them: `cleanclaim_refdata.notes.parse_qualifier()`.
    """
    refs: list[list[Any]] = []
    for group in _PAREN.finditer(text):
        inside = _TO_RANGE.sub("-", group.group(1))
        found = list(_REF.finditer(inside))
        if not found:
            continue
        qualifier_at = _WITH.search(inside, found[0].end())
        own: list[list[Any]] = []
        for m in found:
            if qualifier_at is not None and m.start() >= qualifier_at.start():
                break  # a code inside the qualifier's words is not a reference
            start, end = m["start"], m["end"]
            own.append(
                [start, end, True] if end is not None else [start, None, m["sdash"] is not None]
            )
        words: str | None = None
        if qualifier_at is not None:
            words = inside[qualifier_at.start() :]
        else:
            after = _AFTER_PAREN.match(text, group.end())
            if after is not None:
                words = after.group(1)
        if words is not None:
            qualifier = parse_qualifier(words, own)
            own = [[*ref, qualifier] for ref in own]
        refs.extend(own)
    return refs


#: a run of code references closing a note's prose: "... classified in M75-M77",
#: "... visual cortex S04.04-", "... subcategories S06.1- to S06.6-, and S06.81- to S06.89-".
_ONE_REF = rf"{_CODE}(?:\.?-)?(?:\s*(?:-{{1,2}}|\bto\b)\s*{_CODE}(?:\.?-)?)?"
_TRAILING_REFS = re.compile(
    rf"(?<![0-9A-Za-z.(])({_ONE_REF}(?:\s*(?:,\s*and|,|\band\b)\s*{_ONE_REF})*)\s*\.?\s*$"
)


#: the notes whose references tell a coder what to use instead or as well.
REFERENCE_KINDS = frozenset({"excludes1", "excludes2", "code_first", "use_additional", "code_also"})
_NOT_A_PLAIN_LIST = re.compile(r"\b(?:except|not|or)\b")


def parse_trailing_refs(text: str) -> list[list[Any]]:
    """Code references that end a note outside parentheses, as `parse_refs()` gives.

    A few notes name their codes in the prose rather than in parentheses ("torticollis
    NOS M43.6", "tendinitis as classified in M75-M77").  Only a run of references that
    closes the note is read (or one followed only by a character qualifier, "C91.0-C95.9
    with 5th character 1", read as `parse_refs()` reads one): one followed by more words
    or by a parenthesis is usually qualified ("E08-E10, E11, E13 with ketoacidosis",
    "tuberculosis, any type in A15 (J65)"), and a note that says "except", "not" or "or"
    is not a plain list; both are left out rather than read wider than they are meant.
    """
    words = _TRAILING_QUALIFIER.search(text)  # "... C91.0-C95.9 with 5th character 1"
    if words is not None:
        text = text[: words.start()]
    m = _TRAILING_REFS.search(text)
    if m is None or _NOT_A_PLAIN_LIST.search(text):
        return []  # "except T74", "not classifiable to", "T74.11 or T76.11"
    run = re.sub(r"\s+to\s+", "-", m.group(1))  # "S06.1- to S06.6-" -> "S06.1--S06.6-"
    refs = parse_refs(f"({run})")
    if words is not None:
        qualifier = parse_qualifier(words.group(1), refs)
        refs = [[*ref, qualifier] for ref in refs]
    return refs


def parse_seventh_exclusions(text: str) -> tuple[str, frozenset[str], frozenset[str]] | None:
    """Read "7th characters D and S do not apply to codes in category S06 with 6th character
    7 ..., or 8 ..." into ``("S06", {"D", "S"}, {"7", "8"})``.

    The rule exists only as prose in the XML; parsing it (instead of hard-coding S06) means a
    future release that adds a similar note is honoured, and a test pins what was found.
    """
    m = re.search(
        r"7th characters? (?P<chars>.+?) do(?:es)? not apply to codes in category "
        r"(?P<cat>[A-Z]\d[0-9A-Z]) with 6th character (?P<rest>.*)",
        text,
    )
    if m is None:
        return None
    chars = frozenset(re.findall(r"\b([A-Z0-9])\b", m["chars"]))
    sixth = frozenset(re.findall(r"(?:^|, or |, | or )(\d)\b", m["rest"]))
    if not chars or not sixth:
        return None
    return m["cat"], chars, sixth


def _text(el: ET.Element | None) -> str:
    return " ".join((el.text or "").split()) if el is not None else ""


def _notes_of(el: ET.Element) -> dict[str, list[list[Any]]]:
    """The notes under ``el`` as ``[text, refs]`` per kind; a code-first note that asks for
    its condition only when there is one (`conditional_code_first()`,
    judged on its whole ``<codeFirst>`` element) is ``[text, refs, {"conditional": true}]``."""
    out: dict[str, list[list[Any]]] = {}
    for child in el:
        kind = NOTE_KINDS.get(child.tag)
        if kind is None:
            continue
        texts = [t for t in (_text(note) for note in child.findall("note")) if t]
        extra = (
            [{"conditional": True}]
            if kind == "code_first" and conditional_code_first(texts)
            else []
        )
        for text in texts:
            out.setdefault(kind, []).append([text, parse_refs(text), *extra])
    return out


def _seven_def(el: ET.Element) -> dict[str, str] | None:
    sd = el.find("sevenChrDef")
    if sd is None:
        return None
    return {ext.get("char", ""): _text(ext) for ext in sd.findall("extension")}


@dataclass(slots=True)
class _Code:
    code: str
    desc: str
    parent: str | None
    kind: str  # H header, B billable leaf, S stem needing a 7th character
    seven: int | None = None  # index into the 7th-character definition table
    allowed: str = ""  # 7th characters valid for a stem
    notes: dict[str, list[list[Any]]] = field(default_factory=dict)


@dataclass(slots=True)
class _Compiler:
    codes: dict[str, _Code] = field(default_factory=dict)
    chapters: list[list[Any]] = field(default_factory=list)
    blocks: list[list[Any]] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)
    seven_defs: list[dict[str, str]] = field(default_factory=list)
    seven_def_ids: dict[str, int] = field(default_factory=dict)
    exclusions: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    chapter_notes: dict[str, dict[str, list[list[Any]]]] = field(default_factory=dict)
    block_notes: dict[str, dict[str, list[list[Any]]]] = field(default_factory=dict)
    placeholders: list[str] = field(default_factory=list)
    #: every node, undotted, in the order the source lists it (the tabular order).
    document_order: list[str] = field(default_factory=list)

    def def_id(self, d: dict[str, str]) -> int:
        key = json.dumps(d, sort_keys=True)
        if key not in self.seven_def_ids:
            self.seven_def_ids[key] = len(self.seven_defs)
            self.seven_defs.append(dict(sorted(d.items())))
        return self.seven_def_ids[key]

    def compile(self, root: ET.Element) -> None:
        # The S06-style exclusions must be known before any stem is expanded.
        for note in root.iter("note"):
            rule = parse_seventh_exclusions(_text(note))
            if rule is not None:
                self.exclusions[rule[0]] = (rule[1], rule[2])
        for chapter in root.findall("chapter"):
            num = int(_text(chapter.find("name")))
            title = _TRAILING_RANGE.sub("", _text(chapter.find("desc")))
            ch_idx = len(self.chapters)
            self.chapters.append([num, title])
            notes = _notes_of(chapter)
            if notes:
                self.chapter_notes[str(num)] = notes
            for section in chapter.findall("section"):
                block_id = section.get("id", "")
                block_title = _TRAILING_RANGE.sub("", _text(section.find("desc")))
                b_idx = len(self.blocks)
                self.blocks.append([block_id, block_title, ch_idx])
                notes = _notes_of(section)
                if notes:
                    self.block_notes[block_id] = notes
                for diag in section.findall("diag"):
                    self.categories[_text(diag.find("name"))] = b_idx
                    self.visit(diag, None, None)
        self.add_trailing_refs()
        self.resolve_meanings()
        self.put_ranges_in_tabular_order()

    def resolve_meanings(self) -> None:
        """Give "(S52.- with open fracture 7th character)" the 7th characters whose meaning
        says so in the 7th-character tables of the codes the reference covers."""
        for notes in self._note_sets():
            for entries in notes.values():
                for entry in entries:
                    for ref in entry[1]:
                        if len(ref) > 3 and "meaning" in ref[3]:
                            tables = [
                                self.seven_defs[e.seven]
                                for name, e in self.codes.items()
                                if e.seven is not None and _in_ref(name, ref)
                            ]
                            ref[3] = resolve_meaning(ref[3], tables)

    def manifestations(self) -> list[str]:
        """Every node whose title, or an ancestor's, makes it a manifestation code
        (`is_manifestation_title()`), sorted."""
        found: set[str] = set()
        for name, e in self.codes.items():  # document order: a parent before its children
            if is_manifestation_title(e.desc) or (e.parent is not None and e.parent in found):
                found.add(name)
        return sorted(found)

    def add_trailing_refs(self) -> None:
        """Add the references that close a note's prose (`parse_trailing_refs()`),
        when every code they name is a node of this release; otherwise add none."""
        for notes in self._note_sets():
            for kind, entries in notes.items():
                if kind not in REFERENCE_KINDS:
                    continue  # inclusion terms and instructions describe; they refer to nothing
                for entry in entries:
                    extra = [ref for ref in parse_trailing_refs(entry[0]) if ref not in entry[1]]
                    names = [n for ref in extra for n in (ref[0], ref[1]) if n is not None]
                    if extra and all(name in self.codes for name in names):
                        entry[1] = entry[1] + extra

    def _note_sets(self) -> list[dict[str, list[list[Any]]]]:
        notes = [e.notes for e in self.codes.values()]
        return [*notes, *self.block_notes.values(), *self.chapter_notes.values()]

    def put_ranges_in_tabular_order(self) -> None:
        """Rewrite range references so that comparing strings gives the tabular order.

        Readers decide whether a code lies in a range such as ``(S30-S39)`` with two
        string compares, but the tabular list places a few letter-coded nodes out of
        string order (C4A between C43 and C44, D3A before D37, C96.A and C96.Z before
        C96.9).  A range straddling one is replaced here by ranges that, compared as
        strings, cover exactly the nodes the tabular list puts inside it: ``D37-D44``
        becomes ``D37-D39, D40-D44`` (leaving out D3A), ``C96.0-C96.9`` becomes
        ``C96.0-C96.Z`` (taking in C96.A and C96.Z).  Every other range is left as written.
        """
        position = {name: i for i, name in enumerate(self.document_order)}
        levels: dict[int, list[str]] = {}
        for name in self.document_order:
            levels.setdefault(len(name), []).append(name)
        for names in levels.values():
            names.sort()
        for notes in self._note_sets():
            for entries in notes.values():
                for entry in entries:
                    entry[1] = [
                        fixed
                        for ref in entry[1]
                        for fixed in _in_tabular_order(ref, self.document_order, position, levels)
                    ]

    def visit(self, diag: ET.Element, parent: str | None, inherited: int | None) -> None:
        name = _text(diag.find("name"))
        desc = _text(diag.find("desc"))
        own = _seven_def(diag)
        seven = self.def_id(own) if own is not None else inherited
        children = diag.findall("diag")
        if diag.get("placeholder") == "true":
            self.placeholders.append(name)
        if name in self.codes:
            raise ValueError(f"code {name} appears twice in the source")
        self.document_order.append(name.replace(".", ""))
        kind = "H" if children else ("S" if seven is not None else "B")
        entry = _Code(name, desc, parent, kind, seven, notes=_notes_of(diag))
        if kind == "S":
            assert seven is not None
            chars = set(self.seven_defs[seven])
            rule = self.exclusions.get(name[:3])
            flat = name.replace(".", "")
            if rule is not None and len(flat) >= 6 and flat[5] in rule[1]:
                chars -= rule[0]
            entry.allowed = "".join(sorted(chars))
        self.codes[name] = entry
        for child in children:
            self.visit(child, name, seven)

    def outputs(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
        order = sorted(self.codes)
        index = {c: i for i, c in enumerate(order)}
        entries = [self.codes[c] for c in order]
        stems = [i for i, e in enumerate(entries) if e.kind == "S"]
        codes_doc: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "codes": order,
            "desc": [e.desc for e in entries],
            "flags": "".join(e.kind for e in entries),
            "parent": [index[e.parent] if e.parent is not None else -1 for e in entries],
            "seventh_defs": self.seven_defs,
            "seventh_def": {e.code: e.seven for e in entries if e.seven is not None},
            "stems": stems,
            "stem_chars": [entries[i].allowed for i in stems],
            "chapters": self.chapters,
            "blocks": self.blocks,
            "categories": dict(sorted(self.categories.items())),
        }
        notes_doc: dict[str, Any] = {
            "format": NOTES_FORMAT,
            "codes": {e.code: _compact(e.notes) for e in entries if e.notes},
            "blocks": self.block_notes,
            "chapters": self.chapter_notes,
            "placeholders": sorted(self.placeholders),
            "manifestations": self.manifestations(),
            "seventh_exclusions": {
                cat: {"chars": sorted(chars), "sixth": sorted(sixth)}
                for cat, (chars, sixth) in sorted(self.exclusions.items())
            },
        }
        expanded = sum(len(entries[i].allowed) for i in stems)
        leaves = sum(1 for e in entries if e.kind == "B")
        counts = {
            "codes": len(order) + expanded,
            "billable": leaves + expanded,
            "headers": len(order) - leaves,
            "stems": len(stems),
            "expanded": expanded,
            "categories": len(self.categories),
            "blocks": len(self.blocks),
            "chapters": len(self.chapters),
            "placeholders": len(self.placeholders),
        }
        return codes_doc, notes_doc, counts


def _in_tabular_order(
    ref: list[Any], order: list[str], position: dict[str, int], levels: dict[int, list[str]]
) -> list[list[Any]]:
    """``ref`` as references whose string ranges cover what the tabular order does."""
    start, end, qualifier = ref[0], ref[1], ref[3:]
    if end is None:
        return [ref]
    low, high = start.replace(".", ""), end.replace(".", "")
    if len(low) != len(high) or low not in position or high not in position:
        return [ref]  # an end that names no node (a CMS typo): nothing to compare with
    width = len(low)
    inside = {n for n in order[position[low] : position[high] + 1] if len(n) == width}
    level = levels[width]
    by_strings = level[bisect_left(level, low) : bisect_right(level, high)]
    if inside == set(by_strings):
        return [ref]
    first = min(bisect_left(level, n) for n in inside)
    last = max(bisect_left(level, n) for n in inside)
    runs: list[list[str]] = [[]]
    for name in level[first : last + 1]:
        if name in inside:
            runs[-1].append(name)
        elif runs[-1]:
            runs.append([])
    return [
        [dotted(run[0]), dotted(run[-1]), True, *qualifier]
        if len(run) > 1
        else [dotted(run[0]), None, True, *qualifier]
        for run in runs
        if run
    ]


def _in_ref(code: str, ref: list[Any]) -> bool:
    """Whether ``code`` lies under ``ref``'s range, read as the kernel's ``CodeRef.covers``."""
    return in_range(code, ref[0], ref[1])


def _compact(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _dump(doc: Any) -> bytes:
    return (_compact(doc) + "\n").encode("utf-8")


def code_notes(notes_doc: dict[str, Any]) -> dict[str, dict[str, list[Any]]]:
    """Every code's notes of a ``notes.json`` document, decoded, whichever its format (2:
    a JSON text per code; 1: an object per code); for tools and tests that read them all
    (the kernel decodes a code's on first use)."""
    return {
        code: json.loads(raw) if isinstance(raw, str) else raw
        for code, raw in notes_doc["codes"].items()
    }


def dataset_digest(digests: dict[str, str]) -> str:
    """One digest naming a dataset's content: the sha256 of its ``name  sha256`` lines."""
    lines = "".join(f"{name}  {digest}\n" for name, digest in sorted(digests.items()))
    return hashlib.sha256(lines.encode("ascii")).hexdigest()


def read_checksums(sources: Path) -> dict[str, str]:
    """The published sha256 of each *uncompressed* XML, keyed by XML file name."""
    out: dict[str, str] = {}
    sums = sources / "SHA256SUMS.raw"
    for line in sums.read_text(encoding="ascii").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            out[name.strip().lstrip("*")] = digest.lower()
    return out


class SourceError(ValueError):
    """A file handed to the builder is not the ICD-10-CM source it was said to be (not a
    tabular XML, a <version> of another year, an addenda of another base); the message says
    what is wrong in words a user can act on."""


def dataset_name(release: str, *, provisional: bool = False) -> str:
    """``"2027"`` -> ``icd10cm-fy2027``, ``"2027-April"`` -> ``icd10cm-fy2027-april``,
    ``"2021-January"`` -> ``icd10cm-fy2021-january``."""
    fy, _ = parse_release(release)
    month = release_month(release)
    update = "" if month == 10 else f"-{MONTHS[month - 1].lower()}"
    return f"icd10cm-fy{fy}{update}" + ("-provisional" if provisional else "")


def parse_tabular(xml: bytes, release: str, name: str) -> ET.Element:
    """The root of an ICD-10-CM Tabular List XML of ``release``, or `SourceError`."""
    fy, _ = parse_release(release)
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise SourceError(f"{name}: not an XML file ({exc})") from None
    if root.tag != "ICD10CM.tabular":
        raise SourceError(
            f"{name}: not an ICD-10-CM Tabular List XML (root element <{root.tag}>, "
            "expected <ICD10CM.tabular>)"
        )
    version = _text(root.find("version"))
    if not version:
        raise SourceError(f"{name}: an ICD-10-CM tabular XML without <version>")
    if not root.findall("chapter"):
        raise SourceError(f"{name}: an ICD-10-CM tabular XML without chapters")
    if version != str(fy):
        raise SourceError(
            f"{name}: <version> is {version!r}, so it is not release {release} (fiscal year {fy})"
        )
    return root


def compile_tabular(xml: bytes, release: str, name: str) -> _Compiler:
    """Parse and compile one tabular XML: the one code path of every dataset."""
    comp = _Compiler()
    comp.compile(parse_tabular(xml, release, name))
    return comp


def _manifest_files(
    comp: _Compiler,
    *,
    name: str,
    release: str,
    window: ServiceWindow,
    source: dict[str, str],
    verified: bool,
    provisional: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """The three files of one dataset, manifest last (it names the others' digests)."""
    codes_doc, notes_doc, counts = comp.outputs()
    files = {"codes.json": _dump(codes_doc), "notes.json": _dump(notes_doc)}
    digests = {n: hashlib.sha256(data).hexdigest() for n, data in sorted(files.items())}
    fy, _ = parse_release(release)
    effective = release_date(release)
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "name": name,
        "system": SYSTEM,
        "fiscal_year": fy,
        "release": release,
        "release_date": effective.isoformat(),
        "effective_from": effective.isoformat(),
        "effective_to": window.serves_to.isoformat(),
        "serves_from": window.serves_from.isoformat(),
        "serves_to": window.serves_to.isoformat(),
        "note": window.note,
        "source": source,
        "files": digests,
        "sha256": dataset_digest(digests),
        "counts": counts,
        "verified": verified,
    }
    if provisional is not None:
        manifest["provisional"] = provisional
    files["manifest.json"] = _dump(manifest)
    return files


def _install(out_dir: Path, name: str, files: dict[str, bytes]) -> Path:
    """Write the dataset into a hidden temporary folder of ``out_dir`` and rename it into
    place once whole, so a crash never leaves a partial dataset a reader would load (readers
    skip names starting with a dot)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / name
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out_dir))
    try:
        for file_name, data in files.items():
            (tmp / file_name).write_bytes(data)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{name}.old.", dir=out_dir))
            target.rename(old / name)
            tmp.rename(target)
            shutil.rmtree(old)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


#: the file of a data directory naming the sha256 of each dataset's manifest.json.
INDEX_FILE = "index.json"


def manifest_digests(root: Path) -> dict[str, str]:
    """The sha256 of every dataset's ``manifest.json`` under ``root``, by folder name
    (folders starting with a dot are compiles in progress, not datasets)."""
    return {
        manifest.parent.name: hashlib.sha256(manifest.read_bytes()).hexdigest()
        for manifest in sorted(root.glob("*/manifest.json"))
        if not manifest.parent.name.startswith(".")
    }


def write_index(out_dir: Path) -> Path:
    """Write ``out_dir/index.json``: the digest of every manifest there, so that a reader
    checks the manifest itself and not only the files it names (an edited ``serves_to``
    would otherwise make one year's codes answer another's claims).  Written beside and
    renamed into place, so a reader never sees half of it."""
    digests = manifest_digests(out_dir)
    if not digests:  # the last dataset was removed: an empty folder, as before any add
        (out_dir / INDEX_FILE).unlink(missing_ok=True)
        return out_dir / INDEX_FILE
    doc = {"format": FORMAT_VERSION, "manifests": digests}
    fd, tmp = tempfile.mkstemp(prefix=f".{INDEX_FILE}.", dir=out_dir)
    try:
        with open(fd, "wb") as handle:
            handle.write(_dump(doc))
        Path(tmp).replace(out_dir / INDEX_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out_dir / INDEX_FILE


HISTORY_FILE = "history.json"
#: the state letters of a code in one dataset, in ``history.json``
BILLABLE, HEADER, ABSENT = "B", "H", "-"


def history(data_dir: Path) -> dict[str, Any]:
    """Each code's state in every dataset under ``data_dir``, for the codes that are not
    billable in all of them: what a finding on a code that is not billable today says about
    the other years ("billable in FY2021, expanded on October 1, 2021") without loading
    those years' codes, notes and titles (about 60 ms each).

    Only the codes a dataset stores are listed (a 7th-character code is resolved through
    its stem and is never stored), so a reader answers from it only for codes of up to six
    characters; a code of all the datasets that is missing from the list is billable in
    every one of them, or in none.  Each dataset is named with the sha256 of its
    ``codes.json``, so a reader uses the list only for exactly those files.
    """
    datasets: list[tuple[str, str, list[str], str]] = []
    for name in manifest_digests(data_dir):  # the datasets, as the digest module lists them
        folder = data_dir / name
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        doc = json.loads((folder / "codes.json").read_bytes())
        datasets.append((name, manifest["files"]["codes.json"], doc["codes"], doc["flags"]))
    states: dict[str, list[str]] = {}
    for position, (_name, _digest, codes, flags) in enumerate(datasets):
        for code, flag in zip(codes, flags, strict=True):
            state = BILLABLE if flag == "B" else HEADER
            row = states.get(code)
            if row is None:
                row = states[code] = [ABSENT] * len(datasets)
            row[position] = state
    listed = {
        code: "".join(row)
        for code, row in sorted(states.items())
        if any(state != BILLABLE for state in row)
    }
    return {
        "format": FORMAT_VERSION,
        "datasets": [[name, digest] for name, digest, _codes, _flags in datasets],
        "codes": listed,
    }


def write_history(data_dir: Path) -> Path:
    """Write ``data_dir/history.json`` (see `history`); run by ``cleanclaim-refdata build``
    for the package's data, before `write_digest_module` records its digest."""
    out = data_dir / HISTORY_FILE
    text = json.dumps(history(data_dir), separators=(",", ":"), sort_keys=True)
    out.write_text(text + "\n", encoding="utf-8")
    return out


def write_digest_module(data_dir: Path, module: Path) -> Path:
    """Write the packaged manifests' digests into the package's code
    (``cleanclaim_refdata/manifests.py``): what the kernel checks packaged manifests
    against.  Run by ``cleanclaim-refdata build`` after building the package's data."""
    digests = manifest_digests(data_dir)
    lines = "".join(f'    "{name}": "{digest}",\n' for name, digest in digests.items())
    history_file = data_dir / HISTORY_FILE
    history_digest = (
        hashlib.sha256(history_file.read_bytes()).hexdigest() if history_file.is_file() else ""
    )
    module.write_text(
        "# ruff: noqa: E501\n"
        '"""The sha256 of every packaged dataset\'s manifest.json and of the codes\' history\n'
        "across them (written by ``cleanclaim-refdata build``; do not edit): the kernel\n"
        'refuses a packaged manifest or history whose bytes differ."""\n\n'
        "MANIFEST_SHA256: dict[str, str] = {\n" + lines + "}\n\n"
        f'HISTORY_SHA256 = "{history_digest}"\n',
        encoding="utf-8",
    )
    return module


def compile_release(
    xml: bytes,
    out_dir: Path,
    *,
    release: str,
    source_name: str,
    source_sha256: str,
    verified: bool,
) -> Path:
    """Compile one tabular XML (already decompressed) into ``out_dir/<dataset name>/``, the
    layout and digests of a packaged dataset, its service window from ``releases.toml``.

    This is what ``cleanclaim datasets add`` runs on a user's download: it must refuse a
    file of the wrong kind or year with `SourceError` and never leave a partial
    folder behind.
    """
    try:
        parse_release(release)
    except ValueError as exc:
        raise SourceError(str(exc)) from None
    comp = compile_tabular(xml, release, source_name)
    name = dataset_name(release)
    files = _manifest_files(
        comp,
        name=name,
        release=release,
        window=service_window(release),
        source={"file": source_name, "xml": source_name, "sha256": source_sha256.lower()},
        verified=verified,
    )
    target = _install(out_dir, name, files)
    write_index(out_dir)  # the manifest's own digest, checked by every later reader
    return target


def _checked(path: Path, data: bytes, checksums: dict[str, str], listed_as: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    expected = checksums.get(listed_as)
    if expected is None:
        raise ValueError(f"{listed_as}: not listed in SHA256SUMS.raw")
    if digest != expected:
        raise ValueError(f"{listed_as}: sha256 {digest} does not match SHA256SUMS.raw {expected}")
    return digest


def _build_tabular(
    source: Path, out_dir: Path, checksums: dict[str, str], alongside: Iterable[str]
) -> tuple[Path, _Compiler]:
    info = resolve_source(source, checksums)
    raw = lzma.decompress(source.read_bytes())
    xml_name = source.name.removesuffix(".xz")
    digest = _checked(source, raw, checksums, xml_name)
    comp = compile_tabular(raw, info.release, source.name)
    window = service_window(info.release, set(alongside))
    if info.release != info.named_release:
        window = ServiceWindow(
            window.serves_from,
            window.serves_to,
            f"{window.note}; the FY{info.fiscal_year} XML packaged here is this update "
            f"(its code set is CMS's from {release_date(info.release).isoformat()}), not "
            f"{release_label(info.named_release)}",
        )
    files = _manifest_files(
        comp,
        name=info.dataset_name,
        release=info.release,
        window=window,
        source={"file": source.name, "xml": xml_name, "sha256": digest},
        verified=True,
    )
    return _install(out_dir, info.dataset_name, files), comp


def build_one(
    source: Path, out_dir: Path, checksums: dict[str, str], alongside: Iterable[str] = ()
) -> Path:
    """Compile one source into ``out_dir/<dataset name>/`` and return that directory.

    ``alongside``: the other releases of the same fiscal year being packaged, which cut the
    service window (an October release packaged with its April update serves until March 31).
    """
    return _build_tabular(source, out_dir, checksums, alongside)[0]


_ADDENDA_NAME = re.compile(r"^icd10cm-order-addenda-FY(?P<fy>\d{4})\.txt$")


def build_provisional(
    addenda_path: Path,
    base: tuple[SourceInfo, _Compiler],
    out_dir: Path,
    checksums: dict[str, str],
    alongside: Iterable[str] = (),
) -> Path:
    """Build ``icd10cm-fy<YEAR>-provisional`` from the newest tabular of the year before
    with the October order-file addenda of YEAR applied (`cleanclaim_refdata.addenda`).

    The code set is exact; the instructional notes are the base year's, which the manifest's
    ``provisional`` object says in a sentence a coder reads.
    """
    from cleanclaim_refdata.addenda import AddendaError, apply_addenda, parse_addenda

    m = _ADDENDA_NAME.match(addenda_path.name)
    if m is None:
        raise ValueError(
            f"{addenda_path.name}: not an addenda name (icd10cm-order-addenda-FY<YEAR>.txt)"
        )
    fy = int(m["fy"])
    base_info, comp = base
    if base_info.fiscal_year != fy - 1:
        raise ValueError(f"{addenda_path.name}: the base must be of fiscal year {fy - 1}")
    data = addenda_path.read_bytes()
    digest = _checked(addenda_path, data, checksums, addenda_path.name)
    try:
        addenda = parse_addenda(data, addenda_path.name)
        applied = apply_addenda(comp, addenda, addenda_path.name)
    except AddendaError as exc:
        raise SourceError(str(exc)) from None
    release = str(fy)
    name = dataset_name(release, provisional=True)
    window = service_window(release, set(alongside))
    new_blocks = ", ".join(
        f"{cat} in {block}" for cat, block in sorted(applied.new_categories.items())
    )
    note = (
        f"{window.note}; provisional: the FY{fy} code set from the CMS order-file addenda "
        f"applied to the {base_info.release} tabular list ({len(applied.added)} codes added, "
        f"{len(applied.deleted)} deleted, {len(applied.now_headers)} made headers, "
        f"{len(applied.retitled)} retitled)"
        + (f"; new categories placed in the block before them: {new_blocks}" if new_blocks else "")
    )
    provisional = {
        "reason": (
            f"The FY{fy} code set is exact, from the official FY{fy} order-file addenda, but "
            f"the instructional notes (Excludes1, code first, use additional code, ...) are "
            f"FY{fy - 1}'s, so notes new in FY{fy} are missing."
        ),
        "base": base_info.dataset_name,
        "addenda": {"file": addenda_path.name, "sha256": digest},
    }
    files = _manifest_files(
        comp,
        name=name,
        release=release,
        window=ServiceWindow(window.serves_from, window.serves_to, note),
        source={"file": addenda_path.name, "sha256": digest, "base": base_info.path.name},
        verified=True,
        provisional=provisional,
    )
    return _install(out_dir, name, files)


def build_all(sources: Path, out_dir: Path) -> list[Path]:
    """Compile every ``*.xml.xz`` in ``sources`` (in name order, so output is stable), then
    every ``icd10cm-order-addenda-FY<YEAR>.txt`` on the newest tabular of the year before."""
    checksums = read_checksums(sources)
    tabulars = [resolve_source(src, checksums) for src in sorted(sources.glob("*.xml.xz"))]
    addenda = sorted(sources.glob("icd10cm-order-addenda-FY*.txt"))
    releases: dict[int, set[str]] = {}
    for info in tabulars:
        releases.setdefault(info.fiscal_year, set()).add(info.release)
    for path in addenda:
        m = _ADDENDA_NAME.match(path.name)
        if m is None:
            raise ValueError(
                f"{path.name}: not an addenda name (icd10cm-order-addenda-FY<YEAR>.txt)"
            )
        releases.setdefault(int(m["fy"]), set()).add(m["fy"])
    built: list[Path] = []
    compiled: dict[int, tuple[SourceInfo, _Compiler]] = {}
    for info in tabulars:
        path, comp = _build_tabular(info.path, out_dir, checksums, releases[info.fiscal_year])
        built.append(path)
        newest = compiled.get(info.fiscal_year)
        if newest is None or info.release_date > newest[0].release_date:
            compiled[info.fiscal_year] = (info, comp)
    for path in addenda:
        fy = int(path.name[len("icd10cm-order-addenda-FY") :][:4])
        base = compiled.pop(fy - 1, None)  # applied in place: one addenda per base
        if base is None:
            raise ValueError(
                f"{path.name}: no tabular source of fiscal year {fy - 1} to apply it to"
            )
        built.append(build_provisional(path, base, out_dir, checksums, releases[fy]))
    return built
