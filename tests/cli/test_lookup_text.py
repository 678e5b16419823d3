"""What ``cleanclaim code`` and ``cleanclaim search`` show a coder (issue #13).

``code`` and ICD101 share one explainer, so they must suggest the same codes; ``search``
marks hits that cannot be reported as they stand; ``code`` lists the notes a code inherits
from its ancestors, block and chapter with where each comes from.
"""

from __future__ import annotations

import json

import pytest

from cleanclaim.cli import lookup
from cleanclaim.engine import Engine
from cleanclaim.icd import DatasetRegistry


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    rc = lookup.main(list(argv))
    out, _ = capsys.readouterr()
    return rc, out


def _newest() -> int:
    return DatasetRegistry.packaged().newest().info.fiscal_year


def test_code_and_icd101_suggest_the_same_codes(capsys: pytest.CaptureFixture[str]) -> None:
    fy = _newest()
    rc, out = run(capsys, "code", "M62.380", "--fy", str(fy), "--format", "json")
    doc = json.loads(out)
    assert rc == 1 and doc["suggestions"][0] == "M62.830"
    engine = Engine.build(installed=False)
    day = DatasetRegistry.packaged().for_fiscal_year(fy).info.serves_from.isoformat()
    [finding] = engine.check({"date_of_service": day, "diagnoses": ["M62.380"]}).findings
    assert finding.rule == "ICD101"
    assert finding.suggestions == doc["suggestions"]
    assert finding.message == doc["message"]


def test_code_text_lists_the_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = run(capsys, "code", "M62.380", "--fy", str(_newest()))
    assert rc == 1 and "Suggestions: M62.830," in out


def test_search_marks_headers_and_codes_needing_a_seventh_character(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fy = str(_newest())
    rc, out = run(capsys, "search", "strain", "lower", "back", "--fy", fy, "--limit", "30")
    lines = {line.split()[0]: line for line in out.splitlines() if line and line[0].isalpha()}
    assert rc == 0
    assert "(needs a 7th character)" in lines["S39.012"]
    assert "(header, not billable)" in lines["S39.01"]
    rc, out = run(capsys, "search", "muscle", "spasm", "back", "--fy", fy, "--format", "json")
    hits = {h["code"]: h for h in json.loads(out)["hits"]}
    assert hits["M62.830"]["status"] == "billable"


def test_search_leaves_billable_hits_unmarked(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = run(capsys, "search", "muscle", "spasm", "back", "--fy", str(_newest()))
    assert rc == 0
    [line] = [line for line in out.splitlines() if line.startswith("M62.830")]
    assert "(" not in line.split(None, 1)[1][:1]


def test_code_shows_inherited_notes_with_their_origin(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fy = str(_newest())
    rc, out = run(capsys, "code", "M62.830", "--fy", fy)
    assert rc == 0
    assert "Excludes1 (from M62): myalgia (M79.1-)" in out
    assert "(from block M60-M63)" in out
    rc, out = run(capsys, "code", "M62.830", "--fy", fy, "--format", "json")
    notes = json.loads(out)["inherited_notes"]
    assert any(n["kind"] == "excludes1" and n["from"] == "from M62" for n in notes)


def test_inherited_use_additional_note_of_a_category_is_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reg = DatasetRegistry.packaged()
    ds = reg.newest()
    # A billable code whose category (not the code itself) carries a use-additional note.
    code = next(
        c
        for c in ds.codes(billable_only=True)
        if len(c) > 5
        and (category := ds.lookup(c[:3])) is not None
        and category.use_additional
        and not ds.lookup(c).use_additional
    )
    rc, out = run(capsys, "code", code, "--fy", str(ds.info.fiscal_year))
    assert rc == 0 and f"Use additional code (from {code[:3]})" in out


def test_a_code_without_ancestors_notes_shows_no_inherited_line_from_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out = run(capsys, "code", "M62.830", "--fy", str(_newest()))
    assert rc == 0 and "(from M62.83)" not in out  # M62.83 prints no note of these kinds
    assert "(from M62.8)" in out  # a code's own notes are listed as its own
