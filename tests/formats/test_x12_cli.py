"""The 837P through the command line: ``check FILE`` prints every claim's report with its
findings' file positions, ``check --batch`` gives every record exactly one line (with
``--workers 2`` too) keeping the control numbers, the exit statuses are 0/1/2, and bad
content never prints a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleanclaim.cli import main

sys.path.insert(0, str(Path(__file__).parent))

from x12_writer import interchange, transaction

SAMPLES = Path(__file__).parent / "samples"
MULTI = str(SAMPLES / "837p-multi.x12")
ICD9 = str(SAMPLES / "837p-icd9.x12")
BROKEN = str(SAMPLES / "837p-broken.x12")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _clean_file(tmp_path: Path) -> str:
    claim = {
        "id": "CH-1",
        "dx": [("ABK", "M9903"), ("ABF", "M5450")],
        "taxonomy": "111N00000X",
        "lines": [{"code": "98940", "modifiers": ["AT"], "charge": "55", "quantity": 1,
                   "pointers": [1, 2], "date": "D8:20260415"}],
    }  # fmt: skip
    sub = {"filing": "MB", "birth": "19490902", "sex": "M", "claims": [claim]}
    path = tmp_path / "clean.x12"
    path.write_text(interchange("000000007", [("7", [transaction("0001", [sub])])]))
    return str(path)


def test_check_file_prints_every_claim_with_file_positions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "check", MULTI)
    assert status == 1  # PT-2001 has an error
    for claim_id in ("PT-2001", "PT-2002", "PC-3001", "CH-4001", "AN-5001", "AN-5002"):
        assert f"claim {claim_id}:" in out
    # AN-5002's lines fall on two dates: one claim per date, each labelled with its date
    assert f"{MULTI} segment 108 (2026-03-09): claim AN-5002:" in out
    assert f"{MULTI} segment 108 (2026-03-10): claim AN-5002:" in out
    assert f"{MULTI} segment 20: claim PT-2001: ERROR" in out
    assert "PT101 [physical-therapy] at lines[1].modifiers (2400 SV1-01-3, segment 28)" in out
    assert "7 claims: " in err and ", 1 error, 0 invalid" in err


def test_clean_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", _clean_file(tmp_path))
    assert status == 0
    assert "claim CH-1: CLEAN" in out
    status, out, _ = run(capsys, "check", _clean_file(tmp_path), "--format", "json")
    report = json.loads(out)  # one claim: one report object, as for a JSON claim file
    assert report["input"] == {
        "format": "x12-837p",
        "file": str(tmp_path / "clean.x12"),
        "segment": 20,
        "ids": {"interchange": "000000007", "group": "7", "transaction": "0001",
                "frequency": "1", "payer_id": "PAYER01"},
    }  # fmt: skip


def test_json_output_of_a_multi_claim_file_is_an_array(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "check", MULTI, "--format", "json")
    reports = json.loads(out)
    assert status == 1
    assert [r["claim_id"] for r in reports][:2] == ["PT-2001", "PT-2002"]
    pt101 = next(f for f in reports[0]["findings"] if f["rule"] == "PT101")
    assert pt101["input_location"] == "2400 SV1-01-3, segment 28"


def test_unreadable_records_exit_2_naming_the_segment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "check", ICD9)
    assert status == 2
    assert "claim OK-1:" in out and "claim OK-2:" in out  # the others are still checked
    assert f"cleanclaim: error: {ICD9} segment 25: segment 26 (HI): 2300 HI01-1 is BK" in err
    status, out, err = run(capsys, "check", BROKEN)
    assert status == 2
    assert out.count("claim ") >= 6
    assert "segment 58 (SE): SE01 counts 55 segments" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_gives_every_record_one_line_with_its_control_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: str
) -> None:
    results = tmp_path / "out.jsonl"
    status, _, err = run(capsys, "check", "--batch", BROKEN, "--workers", workers,
                         "--output", str(results))  # fmt: skip
    assert status == 1  # an error finding and invalid records
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert len(lines) == 10  # six claims (one on two dates), three envelope problems
    assert [r.get("claim_id") for r in lines] == [
        "PT-2001", "PT-2002", "PC-3001", None, "CH-4001", "AN-5001", "AN-5002", "AN-5002",
        None, None,
    ]  # fmt: skip
    assert [r["input"]["ids"].get("date_of_service") for r in lines[6:8]] == [
        "2026-03-09", "2026-03-10",
    ]  # fmt: skip
    assert lines[6]["input"]["segment"] == lines[7]["input"]["segment"] == 108
    assert lines[0]["input"] == {
        "format": "x12-837p",
        "segment": 20,
        "ids": {"interchange": "000000101", "group": "101", "transaction": "0001",
                "frequency": "1", "payer_id": "MCR01"},
    }  # fmt: skip
    assert lines[3]["status"] == "invalid" and lines[3]["line"] == 58
    assert lines[3]["input"]["ids"]["transaction"] == "0001"
    pt101 = next(f for f in lines[0]["findings"] if f["rule"] == "PT101")
    assert pt101["input_location"] == "2400 SV1-01-3, segment 28"
    assert "10 claims: " in err and ", 1 error, 3 invalid" in err


def test_batch_of_a_clean_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "--batch", _clean_file(tmp_path))
    assert status == 0
    assert json.loads(out)["claim_id"] == "CH-1"


def test_input_format_says_it_outright(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    named = tmp_path / "claims.txt"
    named.write_bytes((SAMPLES / "837p-multi.x12").read_bytes())
    status, out, _ = run(capsys, "check", "--batch", str(named), "--input-format", "x12")
    assert status == 1 and len(out.splitlines()) == 7
    jsonl = str(SAMPLES / "837p-multi.claims.jsonl")
    status, _, err = run(capsys, "check", "--batch", jsonl, "--input-format", "x12")
    assert status == 2
    assert (
        err == f"cleanclaim: error: {jsonl}: not an X12 interchange: it does not begin with ISA\n"
    )


def test_the_jsonl_twin_gives_the_same_reports_in_a_batch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, x12_out, _ = run(capsys, "check", "--batch", MULTI)
    _, jsonl_out, _ = run(capsys, "check", "--batch", str(SAMPLES / "837p-multi.claims.jsonl"))

    def plain(text: str) -> list[dict[str, object]]:
        out = []
        for line in text.splitlines():
            report = json.loads(line)
            report.pop("input")
            for finding in report["findings"]:
                finding.pop("input_location", None)
            out.append(report)
        return out

    assert plain(x12_out) == plain(jsonl_out)


@pytest.mark.parametrize(
    "content",
    [
        b"ISA*",
        b"ISA*00*" + b"*" * 20 + b"~GS*HC~ST*837*1~CLM*X~HL*1**22~CLM*A*1***:::~HI*ABK~SV1*HC~",
        (SAMPLES / "837p-multi.x12").read_bytes()[:1500],
        (SAMPLES / "837p-multi.x12").read_bytes().replace(b"~", b"", 40),
        b"ISA*" + bytes(range(256)),
    ],
)
def test_bad_content_never_prints_a_traceback(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.x12"
    path.write_bytes(content)
    for argv in (["check", str(path)], ["check", "--batch", str(path)]):
        done = subprocess.run(
            [sys.executable, "-m", "cleanclaim", *argv, "--input-format", "x12"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode in (1, 2), done.stderr
        assert "Traceback" not in done.stderr


def test_standard_input_is_read_in_any_format() -> None:
    claim = '{"claim_id": "C", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}'
    for content, expected in (
        (claim, "claim C: CLEAN"),
        ((SAMPLES / "837p-icd9.x12").read_text(), "<stdin> segment 20: claim OK-1:"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "cleanclaim", "check", "-"],
            input=content,
            capture_output=True,
            text=True,
            check=False,
        )
        assert expected in done.stdout, done.stderr
        assert "Traceback" not in done.stderr
