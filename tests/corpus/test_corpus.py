"""The corpus of correct claims: each one runs clean through the real engine.

Every file in ``claims/`` is a claim a coder would submit as it is, coded from the official
tabular list and guidelines, with the modifiers and documentation the payer's rules ask
for, and a ``why`` that cites the public source for each choice. A finding of severity
error or warning on one of them is a false finding -- the worst defect cleanclaim can have
(info is advice and allowed).

A claim that fails today because of a known mechanism still being fixed is a *strict*
expected failure listed in ``KNOWN_FALSE_FINDINGS`` with its issue and the mechanism: when
the fix lands the claim passes, the strict mark turns that into a failure, and the entry
must be removed. Never skip a claim and never weaken one to make it pass: if a claim turns
out to be wrong, correct it and say why in its ``why``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.config import Config
from cleanclaim.engine import Engine
from cleanclaim.models import Report

HERE = Path(__file__).parent
CLAIM_FILES = sorted((HERE / "claims").glob("*.json"))
BUNDLED = ("physical-therapy", "chiropractic", "primary-care", "urology")
AREAS = set(BUNDLED)
_BESIDE = Path(sys.executable).parent / "cleanclaim"
COMMAND = [str(_BESIDE) if _BESIDE.exists() else (shutil.which("cleanclaim") or "cleanclaim")]

# Claims that get a false finding today: claim_id -> "issue #N: <mechanism>, <finding>".
# Remove an entry when its fix lands (the strict mark makes a passing claim fail).
KNOWN_FALSE_FINDINGS: dict[str, str] = {}

# A "why" entry names at least one public source of these kinds.
_OFFICIAL = re.compile(
    r"Tabular|Guidelines|Pub 100-0[1-4]|NCD |LCD |NCCI|CPT|HCPCS|SSA §|BBA 2018|PFS final rule"
    r"|CMS-1500|837P",
)
# What a corpus claim must never cite: the project's own notes (sources are public ones).
_PRIVATE = re.compile(r"DESIGN\.md|DOMAIN\.md|\.toml|cleanclaim", re.IGNORECASE)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _id(path: Path) -> str:
    return str(_load(path)["claim"]["claim_id"])


@cache
def _engine() -> Engine:
    """The real engine with the four bundled plugins (an allowlist, so that another
    installed plugin, such as the template example, does not change the corpus)."""
    return Engine.build(config=Config(plugins=BUNDLED))


def _problems(report: Report | dict[str, Any]) -> list[str]:
    data = report.model_dump(mode="json") if isinstance(report, Report) else report
    return [
        f"{f['rule']} {f['severity']} at {f['location']}: {f['message']}"
        for f in data["findings"]
        if f["severity"] in ("error", "warning")
    ]


def _params() -> list[Any]:
    params = []
    for path in CLAIM_FILES:
        claim_id = _id(path)
        reason = KNOWN_FALSE_FINDINGS.get(claim_id)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(path, marks=marks, id=claim_id))
    return params


@pytest.mark.parametrize("path", _params())
def test_correct_claim_is_clean(path: Path) -> None:
    """No error and no warning on a correct claim (info findings are allowed)."""
    report = _engine().check(_load(path)["claim"])
    assert _problems(report) == []
    assert report.status == "clean"


def test_corpus_size_and_spread() -> None:
    """At least 70 claims, every bundled specialty well represented, mostly FY2026 with
    some FY2021 and FY2025 dates (fiscal year N: October 1 of N-1 to September 30 of N)."""
    cases = [_load(p) for p in CLAIM_FILES]
    assert len(cases) >= 70
    areas = [c["area"] for c in cases]
    assert set(areas) == AREAS
    assert all(areas.count(a) >= 10 for a in AREAS), {a: areas.count(a) for a in AREAS}
    years = [_fiscal_year(date.fromisoformat(c["claim"]["date_of_service"])) for c in cases]
    assert years.count(2026) > len(years) / 2
    assert 2021 in years and 2025 in years


def _fiscal_year(day: date) -> int:
    return day.year + 1 if day.month >= 10 else day.year


@pytest.mark.parametrize("path", CLAIM_FILES, ids=lambda p: p.stem)
def test_claim_file_is_well_formed(path: Path) -> None:
    """Each file: name, area, a why citing public sources only, and a claim whose id is the
    file name, with at most 4 pointers a line and 12 diagnoses (CMS-1500 / 837P)."""
    case = _load(path)
    assert set(case) == {"name", "area", "why", "claim"}
    assert case["area"] in AREAS
    claim = case["claim"]
    assert claim["claim_id"].lower() == path.stem
    assert claim["payer"] in ("medicare", "commercial")
    assert claim["specialty"] in AREAS
    assert 1 <= len(claim["diagnoses"]) <= 12
    for line in claim["lines"]:
        assert 1 <= len(line["diagnosis_pointers"]) <= 4
        assert all(1 <= p <= len(claim["diagnoses"]) for p in line["diagnosis_pointers"])
    why = case["why"]
    assert isinstance(why, list) and why and all(isinstance(w, str) and w for w in why)
    assert any(_OFFICIAL.search(w) for w in why), f"{path.name}: no public source cited"
    assert not any(_PRIVATE.search(w) for w in why), f"{path.name}: cites project files"


def test_claim_ids_are_unique() -> None:
    ids = [_id(p) for p in CLAIM_FILES]
    assert len(ids) == len(set(ids))


def test_known_false_findings_name_corpus_claims() -> None:
    ids = {_id(p) for p in CLAIM_FILES}
    assert set(KNOWN_FALSE_FINDINGS) <= ids, sorted(set(KNOWN_FALSE_FINDINGS) - ids)
    assert all(r.startswith("issue #") for r in KNOWN_FALSE_FINDINGS.values())


def _config(folder: Path) -> Path:
    path = folder / "cleanclaim.toml"
    path.write_text(f"plugins = {json.dumps(list(BUNDLED))}\n", encoding="utf-8")
    return path


def test_corpus_through_the_cli_batch(tmp_path: Path) -> None:
    """The whole corpus (less the known false findings) as one batch through the installed
    command: exit 0, every report clean and identical to the engine's."""
    cases = [_load(p) for p in CLAIM_FILES]
    cases = [c for c in cases if c["claim"]["claim_id"] not in KNOWN_FALSE_FINDINGS]
    batch = tmp_path / "corpus.jsonl"
    batch.write_text("".join(json.dumps(c["claim"]) + "\n" for c in cases), encoding="utf-8")
    argv = [*COMMAND, "check", "--batch", str(batch), "--config", str(_config(tmp_path))]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    reports = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(reports) == len(cases), proc.stderr[-500:]
    for case, report in zip(cases, reports, strict=True):
        assert report["claim_id"] == case["claim"]["claim_id"]
        assert _problems(report) == [], report["claim_id"]
        expected = _engine().check(case["claim"]).model_dump(mode="json")
        assert report["findings"] == expected["findings"], report["claim_id"]
    assert proc.returncode == 0, proc.stderr[-500:]


# One claim of each area, and the ones the issue found false findings on, one file at a
# time exactly as a coder runs it.
CLI_SINGLES = ("PT-03", "PT-05", "DC-03", "DC-04", "PC-09", "URO-06")


@pytest.mark.parametrize(
    "claim_id",
    [
        pytest.param(
            cid,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FALSE_FINDINGS[cid])]
            if cid in KNOWN_FALSE_FINDINGS
            else [],
        )
        for cid in CLI_SINGLES
    ],
)
def test_claim_through_the_cli(claim_id: str, tmp_path: Path) -> None:
    (path,) = [p for p in CLAIM_FILES if _id(p) == claim_id]
    claim_file = tmp_path / "claim.json"
    claim_file.write_text(json.dumps(_load(path)["claim"]), encoding="utf-8")
    argv = [*COMMAND, "check", str(claim_file), "--format", "json"]
    argv += ["--config", str(_config(tmp_path))]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-800:] + proc.stderr[-300:]
    report = json.loads(proc.stdout)
    assert report["status"] == "clean"
    assert _problems(report) == []
