"""The look-up verbs, run through a local argparse as the main CLI will."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cleanclaim.cli import lookup


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookup, "_today", lambda: date(2026, 3, 1))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        rc = lookup.main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        rc = int(exc.code or 0)
    out, err = capsys.readouterr()
    return rc, out, err


def test_code_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "code", "M62.830", "--format", "json")
    assert rc == 0
    doc = json.loads(out)
    assert doc["description"] == "Muscle spasm of back"
    assert "Muscle spasm of back" in out
    assert doc["dataset"]["fiscal_year"] == 2026
    assert doc["remark"] == "FY2026, release 2026-April, in force today"


def test_code_text_default_uses_today_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "code", "m62830")
    assert rc == 0
    assert "FY2026, release 2026-April, in force today" in out
    assert "Muscle spasm of back" in out and "billable" in out
    assert "M60-M63" in out and "M62.83" in out


def test_code_header_that_was_billable(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "code", "M54.5", "--fy", "2026")
    assert rc == 1
    assert "M54.50, M54.51, M54.59" in out
    assert "billable in FY2021" in out
    assert "low back strain (S39.012)" in out


def test_code_valid_in_old_year(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "code", "M54.5", "--date", "2021-03-01")
    assert rc == 0 and "FY2021" in out


def test_code_not_yet_present(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "code", "M54.50", "--fy", "2021")
    assert rc == 1
    assert "FY2025" in out and "FY2026" in out


def test_code_missing_placeholder_and_seventh(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "code", "S13.4A", "--fy", "2026")
    assert rc == 1 and "S13.4XXA" in out
    rc, out, _ = run(capsys, "code", "S39.012", "--fy", "2026", "--format", "json")
    doc = json.loads(out)
    assert rc == 1 and doc["requires_seventh"] and set(doc["seventh_characters"]) == set("ADS")
    rc, out, _ = run(capsys, "code", "M62.8399", "--fy", "2026")
    assert rc == 1 and "M62.83" in out


def test_code_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, "code", "M54.5", "--fy", "2024")
    assert rc == 2 and "FY2021 from 2021-01-01, FY2023" in err and "Traceback" not in err
    rc, _, err = run(capsys, "code", "M54.5", "--date", "2022-09-30")
    assert rc == 2 and "fiscal year 2022" in err
    rc, _, err = run(capsys, "code", "M54.5", "--date", "yesterday")
    assert rc == 2 and "YYYY-MM-DD" in err


def test_search(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "search", "muscle", "spasm", "back", "--limit", "3")
    assert rc == 0 and out.splitlines()[1].startswith("M62.830")
    rc, out, _ = run(capsys, "search", "spasm", "--format", "json", "--fy", "2021")
    assert rc == 0 and json.loads(out)["hits"]


def test_diff(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "diff", "2021", "2026", "--prefix", "M54")
    assert rc == 0 and "+ M54.50" in out and "M54.5" in out
    rc, out, _ = run(capsys, "diff", "2021", "2026", "--prefix", "M54", "--format", "json")
    assert json.loads(out)["billable_changed"] == [{"code": "M54.5", "was": True, "now": False}]
    rc, _, err = run(capsys, "diff", "2021", "2030")
    assert rc == 2 and "2030" in err


def test_codes(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "codes", "--fy", "2021", "--billable")
    lines = out.splitlines()
    assert rc == 0 and len(lines) == 72621 and "M54.5" in lines


def test_datasets(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "datasets")
    assert rc == 0 and "whole fiscal year 2026" in out
    rc, out, _ = run(capsys, "datasets", "--format", "json")
    doc = json.loads(out)
    years = [d["fiscal_year"] for d in doc["datasets"]]
    assert {2021, 2023, 2025, 2026} <= set(years) and years == sorted(years)
    apr = next(d for d in doc["datasets"] if d["name"] == "icd10cm-fy2025-april")
    assert apr["serves_from"] == "2024-10-01" and apr["origin"] == "packaged"
    assert apr["verified"] is True and apr["provisional"] is None
    window = next(w for w in doc["windows"] if w["from"] == "2024-10-01")
    assert window["dataset"] == "icd10cm-fy2025-april" and window["note"]
    refused = next(w for w in doc["windows"] if w["from"] == "2021-10-01")
    assert refused["dataset"] is None and "FY2022" in refused["refused"]


def test_diff_2026_2027_shows_added_deleted_headers_and_retitled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = run(capsys, "diff", "2026", "2027", "--format", "json")
    doc = json.loads(out)
    assert rc == 0 and doc["to"]["provisional"]
    assert {"D69.11", "D69.19"} <= set(doc["added"])
    assert {"D69.1", "I42.0", "M72.2", "Z87.890"} <= set(doc["now_header"])
    assert len(doc["renamed"]) == 4  # the addenda's four "Revise to:" titles
    assert doc["deleted"]
    rc, out, _ = run(capsys, "diff", "2026", "2027")
    assert out.splitlines()[0] == "FY2026 (2026-April) -> FY2027 (2027) (provisional)"
    assert "* D69.1     now a header: Qualitative platelet defects" in out
    assert "+ D69.11" in out and "~ " in out and "retitled: 4" in out
