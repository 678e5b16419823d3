"""Run conformance case files against cleanclaim: the harness plugin authors reuse.

A case file is the JSON format of ``shared/conformance`` (a claim or a command line, and
what must come out).  [`run_case_cli()`][cleanclaim.testing.run_case_cli] runs it through the real
``cleanclaim`` command,
as the project's own conformance suite does;
[`run_case_engine()`][cleanclaim.testing.run_case_engine] runs a claim case
against an engine you built (for hermetic plugin tests, no installation needed).  Both
return a list of problems: empty means the case passes.

Typical use in a plugin's tests::

    from cleanclaim.testing import case_files, run_case_engine
    ENGINE = Engine.build(plugins=[my_plugin], installed=False)

    @pytest.mark.parametrize("path", case_files(Path(__file__).parent / "cases"), ids=str)
    def test_case(path):
        assert run_case_engine(ENGINE, load_case(path)) == []
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cleanclaim.engine import Engine, InputError

Case = Mapping[str, Any]


def case_files(*folders: Path) -> list[Path]:
    """Every ``*.json`` case in the folders, sorted, for ``pytest.mark.parametrize``.

    :param folders: folders of case files (not searched recursively).
    """
    return sorted(p for folder in folders for p in folder.glob("*.json"))


def load_case(path: Path) -> dict[str, Any]:
    """A case file as JSON data (``claim`` or ``argv``, and ``expect``).

    :param path: the case's ``.json`` file.
    """
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _norm(code: str) -> str:
    return str(code).replace(".", "").upper()


def finding_matches(finding: Mapping[str, Any], matcher: Mapping[str, Any]) -> bool:
    """Whether a finding meets a matcher: the semantics of the conformance cases (``rule``,
    ``source`` and ``severity`` equal; ``codes_include``, ``suggestions_include`` and
    ``suggestions_any`` compare codes without dots or case; ``message_contains`` ignores
    case).

    :param finding: one finding of a report, as JSON data.
    :param matcher: one entry of a case's ``expect.findings`` or ``expect.not_findings``.
    """
    for key in ("rule", "source", "severity"):
        if key in matcher and finding.get(key) != matcher[key]:
            return False
    codes = {_norm(c) for c in finding.get("codes") or []}
    if any(_norm(c) not in codes for c in matcher.get("codes_include", [])):
        return False
    suggestions = {_norm(c) for c in finding.get("suggestions") or []}
    if any(_norm(c) not in suggestions for c in matcher.get("suggestions_include", [])):
        return False
    if matcher.get("suggestions_any") and not any(
        _norm(c) in suggestions for c in matcher["suggestions_any"]
    ):
        return False
    message = str(finding.get("message") or "").lower()
    return all(w.lower() in message for w in matcher.get("message_contains", []))


#: the expectations [`check_report()`][cleanclaim.testing.check_report] reads from a report.
_REPORT_KEYS = ("findings", "status", "not_rules", "not_findings", "not_sources_with_error")


def check_report(report: Mapping[str, Any], expect: Mapping[str, Any]) -> list[str]:
    """Problems of a report (as JSON data) against a case's expectations.

    :param report: the report, as JSON data (``Report.model_dump(mode="json")``).
    :param expect: the case's ``expect`` object.
    :returns: one line per unmet expectation; empty when the report meets them all.
    """
    problems = []
    if "status" in expect and report.get("status") != expect["status"]:
        problems.append(f"status {report.get('status')!r}, expected {expect['status']!r}")
    findings = report.get("findings") or []
    for matcher in expect.get("findings", []):
        if not any(finding_matches(f, matcher) for f in findings):
            got = [
                (f.get("rule"), f.get("source"), f.get("severity"), f.get("codes"))
                for f in findings
            ]
            problems.append(f"no finding matches {matcher}; got {got}")
    for matcher in expect.get("not_findings", []):
        for f in findings:
            if finding_matches(f, matcher):
                problems.append(f"unexpected finding {f.get('rule')} ({f.get('severity')})")
    for rule in expect.get("not_rules", []):
        if any(f.get("rule") == rule for f in findings):
            problems.append(f"unexpected finding {rule}")
    for source in expect.get("not_sources_with_error", []):
        if any(f.get("source") == source and f.get("severity") == "error" for f in findings):
            problems.append(f"unexpected error from {source}")
    return problems


def run_case_engine(engine: Engine, case: Case) -> list[str]:
    """Run a claim case against ``engine`` directly (exit 2 = InputError expected).

    :param engine: the engine to check the case's claim with.
    :param case: a claim case (its ``claim`` a JSON object).
    :returns: the problems, as [`check_report()`][cleanclaim.testing.check_report] gives.
    """
    expect = case["expect"]
    claim = case.get("claim")
    if claim is None or isinstance(claim, str):
        return ["run_case_engine takes claim cases whose claim is a JSON object"]
    try:
        report = engine.check(claim).model_dump(mode="json")
    except InputError:
        return [] if expect.get("exit") == 2 else ["claim was rejected as invalid input"]
    problems = check_report(report, expect)
    if "exit" in expect:
        exit_code = 1 if report["status"] == "error" else 0
        if exit_code != expect["exit"]:
            problems.append(f"exit {exit_code}, expected {expect['exit']}")
    return problems


def run_case_cli(
    case: Case, command: Sequence[str] | None = None, timeout: float = 120
) -> list[str]:
    """Run a case through the real command line, exactly as the conformance runner does.

    :param case: a claim case, or an ``argv`` case (with its ``files``).
    :param command: the command to run in place of ``python -m cleanclaim``.
    :param timeout: seconds the command may take.
    :returns: the problems; empty when the case passes.
    """
    base = list(command) if command else [sys.executable, "-m", "cleanclaim"]
    expect = case["expect"]
    with tempfile.TemporaryDirectory() as folder:
        if "claim" in case:
            path = os.path.join(folder, "claim.json")
            with open(path, "w", encoding="utf-8") as fh:
                claim = case["claim"]
                fh.write(claim if isinstance(claim, str) else json.dumps(claim))
            argv = [*base, "check", path, "--format", "json", *case.get("extra_args", [])]
        else:
            argv = [*base, *[a.replace("{dir}", folder) for a in case["argv"][1:]]]
            for name, text in case.get("files", {}).items():
                Path(folder, name).write_text(text, encoding="utf-8")
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=folder)
    problems = []
    output = proc.stdout + proc.stderr
    if expect.get("no_traceback", True) and "Traceback" in output:
        problems.append("printed a Python traceback")
    if "exit" in expect and proc.returncode != expect["exit"]:
        problems.append(f"exit {proc.returncode}, expected {expect['exit']}: {proc.stderr[:300]}")
    for text in expect.get("stdout_contains", []):
        if text.lower() not in proc.stdout.lower():
            problems.append(f"stdout lacks {text!r}")
    for text in expect.get("stderr_contains", []):
        if text.lower() not in output.lower():
            problems.append(f"output lacks {text!r}")
    if any(k in expect for k in _REPORT_KEYS):
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            return [*problems, f"stdout is not one JSON report: {proc.stdout[:200]!r}"]
        problems.extend(check_report(report, expect))
    return problems
