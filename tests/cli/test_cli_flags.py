"""``cleanclaim check`` with the flags ruff users know: several files, --select/--ignore/
--extend-select, --statistics, --exit-zero/--fail-on, -q, --color, --output-format csv
and jsonl, and flags that do not apply to the mode refused as usage errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.cli import main
from cleanclaim.cli.check import CSV_COLUMNS, use_color

CLEAN = {"claim_id": "C-1", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}
ERROR = {"claim_id": "C-2", "date_of_service": "2026-05-12", "diagnoses": ["M54.5"]}
# a Medicare therapy line with GP and a note that records nothing: warnings, no error
WARNING = {
    "claim_id": "C-3",
    "date_of_service": "2026-05-12",
    "payer": "medicare",
    "diagnoses": ["M62.830"],
    "lines": [{"procedure": "97110", "units": 1, "modifiers": ["GP"], "diagnosis_pointers": [1]}],
    "documentation": {},
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def write(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_several_files_in_one_call(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = write(tmp_path / "a.json", CLEAN), write(tmp_path / "b.json", ERROR)
    status, out, err = run(capsys, "check", a, b)
    assert status == 1
    assert f"{a}: claim C-1: CLEAN" in out and f"{b}: claim C-2: ERROR" in out
    assert "2 claims: 1 clean, 0 warning, 1 error, 0 invalid" in err


def test_a_bad_file_is_named_and_the_rest_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write(tmp_path / "a.json", CLEAN)
    status, out, err = run(capsys, "check", str(tmp_path / "missing.json"), a)
    assert status == 2
    assert "missing.json: no such file" in err
    assert "claim C-1: CLEAN" in out


def test_jsonl_is_one_report_per_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = write(tmp_path / "a.json", CLEAN), write(tmp_path / "b.json", ERROR)
    status, out, _ = run(capsys, "check", a, b, "--output-format", "jsonl")
    assert status == 1
    assert [json.loads(x)["claim_id"] for x in out.splitlines()] == ["C-1", "C-2"]


def test_json_of_several_files_is_an_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = write(tmp_path / "a.json", CLEAN), write(tmp_path / "b.json", ERROR)
    _, out, _ = run(capsys, "check", a, b, "--format", "json")
    assert [r["status"] for r in json.loads(out)] == ["clean", "error"]


def test_csv_is_one_row_per_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = write(tmp_path / "a.json", CLEAN), write(tmp_path / "b.json", ERROR)
    status, out, _ = run(capsys, "check", a, b, "--output-format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 1
    assert list(rows[0]) == list(CSV_COLUMNS)
    clean = [r for r in rows if r["claim_id"] == "C-1"]
    assert len(clean) == 1 and clean[0]["rule"] == "" and clean[0]["status"] == "clean"
    errors = [r for r in rows if r["claim_id"] == "C-2"]
    assert [r["rule"] for r in errors] == ["ICD101"]
    assert errors[0]["suggestions"] == "M54.50 M54.51 M54.59" and errors[0]["file"] == b


@pytest.mark.parametrize(
    ("flags", "status"),
    [
        ((), 1),
        (("--ignore", "ICD101"), 0),
        (("--ignore", "ICD*,CLM*"), 0),
        (("--select", "CLM201"), 0),
        (("--select", "CLM201", "--extend-select", "ICD101"), 1),
    ],
)
def test_select_and_ignore_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], status: int
) -> None:
    assert run(capsys, "check", write(tmp_path / "b.json", ERROR), *flags)[0] == status


def test_ignore_adds_to_the_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cleanclaim.toml").write_text('ignore = ["PC*"]\n', encoding="utf-8")
    _, out, _ = run(capsys, "check", write(tmp_path / "b.json", ERROR), "--ignore", "ICD101")
    assert "ICD101" not in out and "PC1" not in out


def test_a_misspelt_selector_on_the_command_line_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "check", write(tmp_path / "b.json", ERROR), "--ignore", "ICD1O1")
    assert status == 2
    assert "the command line: ignore: 'ICD1O1' matches no rule" in err
    assert "did you mean ICD101" in err


def test_statistics_counts_findings_per_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [write(tmp_path / f"{n}.json", {**ERROR, "claim_id": n}) for n in "ab"]
    _, out, _ = run(capsys, "check", *files, "--statistics", "-q")
    [line] = [x for x in out.splitlines() if "ICD101" in x and not x.startswith(" ")]
    assert line.startswith("2  ICD101  ") and len(line.split()) == 3  # count, id, name


def test_exit_zero_and_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = write(tmp_path / "b.json", ERROR)
    assert run(capsys, "check", error, "--exit-zero")[0] == 0
    warning = write(tmp_path / "w.json", WARNING)
    status, out, _ = run(capsys, "check", warning, "--format", "json")
    assert json.loads(out)["status"] == "warning" and status == 0
    assert run(capsys, "check", warning, "--fail-on", "warning")[0] == 1
    assert run(capsys, "check", write(tmp_path / "c.json", CLEAN), "--fail-on", "warning")[0] == 0


def test_quiet_prints_only_claims_with_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = {**CLEAN, "diagnoses": ["M62.830"], "payer": "commercial"}
    a, b = write(tmp_path / "a.json", clean), write(tmp_path / "b.json", ERROR)
    assert json.loads(run(capsys, "check", a, "--format", "json")[1])["findings"] == []
    status, out, err = run(capsys, "check", a, b, "-q")
    assert status == 1 and err == ""
    assert "C-2" in out and "C-1" not in out


@pytest.mark.parametrize(
    ("choice", "env", "tty", "expected"),
    [
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
    ],
)
def test_color_choice(
    monkeypatch: pytest.MonkeyPatch, choice: str, env: dict[str, str], tty: bool, expected: bool
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert use_color(choice, Stream()) is expected


def test_color_always_paints_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", write(tmp_path / "b.json", ERROR), "--color", "always")
    assert "\033[31m" in out
    _, out, _ = run(capsys, "check", write(tmp_path / "b.json", ERROR), "--color", "never")
    assert "\033[" not in out


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (("--output", "r.jsonl"), "--output applies to --batch only"),
        (("--workers", "2"), "--workers applies to --batch only"),
    ],
)
def test_batch_flags_on_claim_files_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], says: str
) -> None:
    status, out, err = run(capsys, "check", write(tmp_path / "c.json", CLEAN), *flags)
    assert status == 2 and out == ""
    assert says in err
    assert not (tmp_path / "r.jsonl").exists()


@pytest.mark.parametrize("fmt", ["text", "json"])  # jsonl and csv apply (tests/batch)
def test_formats_other_than_jsonl_or_csv_with_batch_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text(json.dumps(CLEAN) + "\n", encoding="utf-8")
    status, _, err = run(capsys, "check", "--batch", str(batch), "--format", fmt)
    assert status == 2
    assert f"--output-format {fmt} does not apply to --batch" in err


def test_batch_exit_zero_fail_on_and_statistics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text(
        "\n".join(json.dumps(c) for c in (CLEAN, ERROR, WARNING)) + "\n", encoding="utf-8"
    )
    status, out, err = run(capsys, "check", "--batch", str(batch), "--statistics")
    assert status == 1 and len(out.splitlines()) == 3
    assert "1  ICD101  " in err
    assert run(capsys, "check", "--batch", str(batch), "--exit-zero")[0] == 0
    ok = tmp_path / "ok.jsonl"
    ok.write_text(json.dumps(WARNING) + "\n", encoding="utf-8")
    assert run(capsys, "check", "--batch", str(ok))[0] == 0
    assert run(capsys, "check", "--batch", str(ok), "--fail-on", "warning")[0] == 1
    _, _, err = run(capsys, "check", "--batch", str(ok), "-q")
    assert err == ""


def test_text_wraps_to_the_given_width() -> None:
    from cleanclaim.cli.output import render_report
    from cleanclaim.engine import Engine

    report = Engine.build(installed=False).check(ERROR)
    whole = render_report(report)
    wrapped = render_report(report, width=60)
    body = [x for x in whole.splitlines() if x.startswith("    ")]  # messages, fixes, refs
    assert max(len(x) for x in body) > 60
    assert max(len(x) for x in wrapped.splitlines() if x.startswith("    ")) <= 60
    assert " ".join(wrapped.split()) == " ".join(whole.split())  # no word lost or cut


@pytest.mark.parametrize("given", ["PT103", "pt103", "timed-units-minutes"])
def test_rule_by_id_or_name(capsys: pytest.CaptureFixture[str], given: str) -> None:
    status, out, _ = run(capsys, "rule", given)
    assert status == 0
    assert out.startswith("PT103 (timed-units-minutes) - physical-therapy")


def test_an_unknown_rule_name_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "rule", "timed-unit-minutes")
    assert status == 2
    assert "did you mean timed-units-minutes?" in err


def test_search_without_a_hit_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "search", "zzzqqq", "--fy", "2026")
    assert status == 1 and out == ""
    assert "no code matches 'zzzqqq' in icd10cm-fy2026" in err
