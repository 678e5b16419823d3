"""The ``cleanclaim`` command: exit statuses, input errors, batch, catalog verbs.

Run through ``main([...])`` in-process (fast) and, for the exit-status contract as a
vendor's script sees it, once through ``python -m cleanclaim``.  Every test runs in a
temporary folder so that no cleanclaim.toml of the checkout is discovered.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.cli import main

CLEAN = {"claim_id": "C-1", "date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}
ERROR = {"claim_id": "C-2", "date_of_service": "2026-05-12", "diagnoses": ["M54.5"]}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def write(path: Path, data: Any) -> str:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_clean_claim_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", write(tmp_path / "c.json", CLEAN))
    assert status == 0
    assert "claim C-1: CLEAN" in out


def test_error_claim_exits_1_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", write(tmp_path / "c.json", ERROR))
    assert status == 1
    assert "claim C-2: ERROR" in out and "ICD101" in out and "fix: M54.50" in out


def test_json_format_is_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", write(tmp_path / "c.json", ERROR), "--format", "json")
    report = json.loads(out)
    assert status == 1
    assert report["claim_id"] == "C-2" and report["status"] == "error"
    assert report["dataset"]["fiscal_year"] == 2026
    assert report["findings"][0]["rule"] == "ICD101"


def test_warning_only_claim_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {
        **CLEAN,
        "diagnoses": ["M62.830"],
        "lines": [{"procedure": "99499", "diagnosis_pointers": [1]}],
    }
    status, out, _ = run(capsys, "check", write(tmp_path / "c.json", data))
    assert status == 0 and "CLM205" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ({**CLEAN, "date_of_service": "2026-02-30"}, "date_of_service"),
        ({"diagnoses": ["M62.830"]}, "date_of_service"),
        ({"date_of_service": "2026-05-12"}, "diagnoses"),
        ({**CLEAN, "diagnoses": "M62.830"}, "diagnoses"),
        ({**CLEAN, "lines": [{"procedure": "97110", "units": "two"}]}, "lines[0].units"),
        ({**CLEAN, "documentaton": {"site": "lumbar"}}, "documentaton"),
        ({**CLEAN, "date_of_service": "2023-05-01"}, "date_of_service"),
    ],
)
def test_bad_claim_exits_2_naming_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, expected: str
) -> None:
    path = write(tmp_path / "bad-claim.json", content)
    status, out, err = run(capsys, "check", path)
    assert status == 2
    assert out == ""
    assert "bad-claim.json" in err and expected in err
    assert "Traceback" not in err
    assert err.count("\n") == 1, err


def test_no_dataset_names_the_packaged_years(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "c.json", {**CLEAN, "date_of_service": "2023-05-01"})
    _, _, err = run(capsys, "check", path)
    assert "FY2026" in err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "check", "nowhere.json")
    assert status == 2 and "nowhere.json: no such file" in err


def test_bad_config_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path / "cleanclaim.toml", 'ingore = ["ICD101"]\n')
    status, out, err = run(capsys, "check", write(tmp_path / "c.json", CLEAN), "--config", config)
    assert status == 2 and out == ""
    assert "cleanclaim.toml" in err and "ingore" in err and "allowed" in err


def test_missing_config_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        capsys, "check", write(tmp_path / "c.json", CLEAN), "--config", "nope.toml"
    )
    assert status == 2 and "nope.toml" in err


def test_config_ignore_changes_the_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path / "cleanclaim.toml", 'ignore = ["ICD101"]\n')
    status, _, _ = run(capsys, "check", write(tmp_path / "c.json", ERROR), "--config", config)
    assert status == 0


def test_discovered_config_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "pyproject.toml", '[tool.cleanclaim]\nseverity = {ICD101 = "warning"}\n')
    status, out, _ = run(capsys, "check", write(tmp_path / "c.json", ERROR))
    assert status == 0 and "WARNING" in out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "check", "--format", "yaml", "c.json")
    assert status == 2 and "--format" in err


# -- batch ---------------------------------------------------------------------------------


def _batch_file(tmp_path: Path) -> str:
    records = [
        json.dumps({**CLEAN, "claim_id": "B-1"}),
        json.dumps({**ERROR, "claim_id": "B-2"}),
        "{broken json",
        json.dumps({**CLEAN, "claim_id": "B-4", "date_of_service": "2026-02-30"}),
        "",
        json.dumps({**CLEAN, "claim_id": "B-6"}),
    ]
    return write(tmp_path / "claims.jsonl", "\n".join(records) + "\n")


def test_batch_reports_every_good_record_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "check", "--batch", _batch_file(tmp_path))
    results = [json.loads(text) for text in out.splitlines()]
    assert status == 1
    assert [r.get("claim_id", r.get("line")) for r in results] == ["B-1", "B-2", 3, 4, "B-6"]
    assert [r["status"] for r in results] == ["clean", "error", "invalid", "invalid", "clean"]
    assert "not valid JSON" in results[2]["errors"][0]
    assert any("date_of_service" in e for e in results[3]["errors"])
    assert "5 claims" in err and "2 invalid" in err
    assert "Traceback" not in err


def test_batch_all_clean_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "ok.jsonl", json.dumps(CLEAN) + "\n" + json.dumps(CLEAN) + "\n")
    status, out, _ = run(capsys, "check", "--batch", path)
    assert status == 0 and len(out.splitlines()) == 2


def test_batch_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "check", "--batch", "none.jsonl")
    assert status == 2 and out == "" and "none.jsonl" in err


def test_batch_workers_give_identical_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cleanclaim.cli.batch import CHUNK

    lines = []
    for n in range(2 * CHUNK + 300):  # three chunks: workers take turns
        claim = ERROR if n % 7 == 0 else CLEAN
        lines.append("{oops" if n % 50 == 13 else json.dumps({**claim, "claim_id": f"W-{n}"}))
    source = write(tmp_path / "many.jsonl", "\n".join(lines) + "\n")
    outputs = []
    for workers in ("1", "2", "auto"):
        out = tmp_path / f"w{workers}.jsonl"
        status, _, _ = run(
            capsys, "check", "--batch", source, "--output", str(out), "--workers", workers
        )
        assert status == 1
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0].splitlines()) == len(lines)


def test_batch_workers_zero_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "check", "--batch", _batch_file(tmp_path), "--workers", "0")
    assert status == 2 and "--workers" in err
    status, _, err = run(capsys, "check", "--batch", _batch_file(tmp_path), "--workers", "many")
    assert status == 2 and "--workers: 'many' is not a number or 'auto'" in err


def test_workers_auto_is_the_cores_this_process_may_use() -> None:
    import os

    from cleanclaim.cli.check import workers_from

    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert workers_from("auto") == expected
    assert workers_from("3") == 3


# -- catalog verbs ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["claim", "report"])
def test_schema(capsys: pytest.CaptureFixture[str], which: str) -> None:
    status, out, _ = run(capsys, "schema", which)
    schema = json.loads(out)
    assert status == 0 and schema["type"] == "object"
    key = "date_of_service" if which == "claim" else "findings"
    assert key in schema["properties"]


def test_rules_lists_kernel_and_plugin_rules(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules")
    ids = [row.split()[0] for row in out.splitlines()]
    assert status == 0
    assert {"ICD101", "ICD107", "CLM201", "CLM205", "ENG001"} <= set(ids)
    assert any(i.startswith("PT") for i in ids) and any(i.startswith("URO") for i in ids)


def test_rules_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules", "--format", "json")
    entries = json.loads(out)
    assert status == 0 and {"ICD104", "CLM203"} <= {e["id"] for e in entries}


def test_rule_icd104_shows_every_catalog_section(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rule", "icd104")
    assert status == 0
    assert out.startswith("ICD104 (excludes1-conflict) - core")
    for section in (
        "What it finds",
        "Why it matters",
        "Example",
        "What to do instead",
        "Reference",
    ):
        assert f"\n{section}\n  " in out
    assert "S39.012A" in out


def test_rule_json_has_every_catalog_field(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "rule", "ICD107", "--format", "json")
    entry = json.loads(out)
    for key in ("summary", "why", "example", "fix", "reference"):
        assert entry[key]
    assert entry["options"]["code_first_warning"]["default"] is True


def test_unknown_rule_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "rule", "NOPE")
    assert status == 2 and out == ""
    assert "no rule 'NOPE'" in err and "ICD101" in err


def test_plugins_lists_core_and_the_bundled_plugins(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "plugins")
    names = {row.split()[0] for row in out.splitlines() if not row.startswith(" ")}
    assert status == 0
    assert {"core", "physical-therapy", "chiropractic", "primary-care", "urology"} <= names


def test_plugins_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "plugins", "--format", "json")
    data = json.loads(out)
    core = next(p for p in data["plugins"] if p["name"] == "core")
    assert "ICD101" in core["rules"] and data["problems"] == []


def test_catalog_verb_with_bad_config_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path / "bad.toml", "select = [\n")
    status, _, err = run(capsys, "rules", "--config", config)
    assert status == 2 and "bad.toml" in err and "Traceback" not in err


# -- as a vendor's script runs it ---------------------------------------------------------


@pytest.mark.parametrize(("claim", "expected"), [(CLEAN, 0), (ERROR, 1), ("{", 2)])
def test_python_m_cleanclaim_exit_status(tmp_path: Path, claim: Any, expected: int) -> None:
    path = write(tmp_path / "c.json", claim)
    done = subprocess.run(
        [sys.executable, "-m", "cleanclaim", "check", path],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == expected, done.stderr
    assert "Traceback" not in done.stderr


# -- FY2021: the packaged XML is the January 2021 update ---------------------------------------


def test_a_claim_of_november_2020_is_refused_naming_the_october_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The packaged FY2021 dataset is the code set of 2021-01-01 (Z20.822 added, M35.8 a
    header); judging a November 2020 claim with it would be a silent wrong answer."""
    claim = {**CLEAN, "date_of_service": "2020-11-15", "diagnoses": ["Z20.822"]}
    status, out, err = run(capsys, "check", write(tmp_path / "c.json", claim))
    assert status == 2 and out == "" and "Traceback" not in err
    assert "2020-11-15" in err and "the FY2021 release of October 2020" in err
    assert "is not installed" in err and "cleanclaim datasets add" in err
    assert "--fallback-fy" in err


def test_a_claim_of_january_2021_is_served_by_fy2021(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = {**CLEAN, "date_of_service": "2021-01-15"}
    status, out, _ = run(capsys, "check", write(tmp_path / "c.json", claim), "--format", "json")
    report = json.loads(out)
    assert status == 0 and report["status"] == "clean"
    assert report["dataset"]["name"] == "icd10cm-fy2021"
    assert report["dataset"]["release"] == "2021-January"


@pytest.mark.parametrize(
    ("code", "day", "flagged"),
    [
        ("Z20.822", "2021-02-01", False),  # added on 2021-01-01: billable
        ("M35.8", "2021-02-01", True),  # a header from 2021-01-01
    ],
)
def test_the_january_2021_codes(
    code: str, day: str, flagged: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim = {**CLEAN, "date_of_service": day, "diagnoses": [code]}
    status, out, _ = run(capsys, "check", write(tmp_path / "c.json", claim), "--format", "json")
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert bool(rules & {"ICD101", "ICD102"}) is flagged, rules
    assert status == (1 if flagged else 0)
