"""Plugin code that raises ``BaseException``, or kills its process, never costs a report.

Promises (docs/promises.md):

* ``sys.exit()``, ``KeyboardInterrupt``, ``GeneratorExit`` or any other ``BaseException``
  raised by a rule gives that claim an ENG001 error naming plugin and rule; raised by a
  build hook it is a build problem naming plugin and hook.  ``check`` never exits 0
  without a report.
* A real interrupt (a SIGINT delivered to the process) still stops it, even when a rule
  swallows it or turns it into another exception.
* ``--workers N``: a worker killed by ``os._exit`` or a segfault is started again, its
  chunk re-checked claim by claim, and the claim that kills it gets an ENG001 report
  naming the rule; every input line still gets exactly one output line, in order.
* One process (``--workers 1``) killed by a segfault exits with a non-zero status.
* A batch stopped by SIGTERM exits 143 with whole lines and no worker tracebacks.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hardening_support import CLEAN, assert_no_traceback, cli, write_json

from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule
from cleanclaim.plugin import PLUGIN_API, hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo
from cleanclaim.synth import generate_lines

#: the claim every faulty rule below fails on; the others it leaves alone.
POISON = "M54.50"


class _Custom(BaseException):
    """Not an Exception: what a careless plugin might derive its errors from."""


RAISED: dict[str, BaseException] = {
    "sys-exit-0": SystemExit(0),
    "sys-exit-none": SystemExit(),
    "keyboard-interrupt": KeyboardInterrupt(),
    "generator-exit": GeneratorExit(),
    "custom-base-exception": _Custom(),
}


def _faulty_engine(exc: BaseException) -> Engine:
    def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        if POISON in ctx.diagnoses:
            raise exc
        yield from ()

    plugin = plugin_of("hx-base", "HXB", rules=[stub_rule("HXB101", check)])
    return Engine.build([plugin], installed=False)


@pytest.mark.parametrize("kind", list(RAISED))
def test_base_exception_in_a_rule_is_eng001_naming_plugin_and_rule(kind: str) -> None:
    engine = _faulty_engine(RAISED[kind])
    assert engine.check(CLEAN).findings == []
    report = engine.check({**CLEAN, "diagnoses": [POISON]})
    crashes = [f for f in report.findings if f.rule == "ENG001"]
    assert len(crashes) == 1 and report.status == "error", report.findings
    assert "HXB101" in crashes[0].message and "hx-base" in crashes[0].message


def _interrupting(how: str) -> Engine:
    def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        if POISON not in ctx.diagnoses:
            return
        if how == "plain":
            signal.raise_signal(signal.SIGINT)
        elif how == "swallowed":
            with contextlib.suppress(KeyboardInterrupt):
                signal.raise_signal(signal.SIGINT)
        else:  # turned into another exception
            try:
                signal.raise_signal(signal.SIGINT)
            except KeyboardInterrupt:
                raise RuntimeError("not me") from None
        yield from ()

    plugin = plugin_of("hx-sigint", "HXS", rules=[stub_rule("HXS101", check)])
    return Engine.build([plugin], installed=False)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("how", ["plain", "swallowed", "converted"])
def test_a_real_interrupt_during_a_rule_still_stops_the_process(how: str) -> None:
    if signal.getsignal(signal.SIGINT) not in (signal.default_int_handler,) and not callable(
        signal.getsignal(signal.SIGINT)
    ):
        pytest.skip("SIGINT is ignored in this process")
    engine = _interrupting(how)
    assert engine.check(CLEAN).findings == []
    with pytest.raises(KeyboardInterrupt):
        engine.check({**CLEAN, "diagnoses": [POISON]})


class _ExitingHook:
    """A plugin whose procedures hook ends the process, and whose rules are fine."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    @hookimpl
    def cleanclaim_plugin_info(self) -> PluginInfo:
        return PluginInfo(name="hx-hook", api=PLUGIN_API, rule_prefix="HXH")

    @hookimpl
    def cleanclaim_procedures(self) -> list[Any]:
        raise self.exc

    @hookimpl
    def cleanclaim_rules(self) -> list[Any]:
        return [stub_rule("HXH101", lambda ctx, options: iter(()))]


@pytest.mark.parametrize("kind", list(RAISED))
def test_base_exception_in_a_build_hook_is_a_problem_naming_plugin_and_hook(kind: str) -> None:
    engine = Engine.build([_ExitingHook(RAISED[kind])], installed=False)
    problems = [(p.plugin, p.hook) for p in engine.problems]
    assert ("hx-hook", "cleanclaim_procedures") in problems, engine.problems
    assert "HXH101" in engine.rules  # its other hooks still count
    assert engine.check(CLEAN).status == "clean"


# -- as a vendor runs it: an installed plugin, the command line -----------------------------

FAULTY_MODULE = """
import ctypes, os, sys
from cleanclaim.fixtures import plugin_of, stub_rule
from cleanclaim.plugin import PLUGIN_API, hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo

MODE = os.environ.get("HX_FAULT", "")


def check(ctx, options):
    if "{poison}" in ctx.diagnoses:
        if MODE == "sys-exit":
            sys.exit()
        if MODE == "os-exit":
            os._exit(3)
        if MODE == "os-exit-0":
            os._exit(0)
        if MODE == "sigkill":
            os.kill(os.getpid(), 9)
        if MODE == "segfault":
            ctypes.string_at(0)
        if MODE == "keyboard-interrupt":
            raise KeyboardInterrupt
        if MODE == "generator-exit":
            raise GeneratorExit
    yield from ()


plugin = plugin_of("hx-faulty", "HXF", rules=[stub_rule("HXF101", check)])


class _ExitingAtBuild:
    @hookimpl
    def cleanclaim_plugin_info(self):
        return PluginInfo(name="hx-faulty", api=PLUGIN_API, rule_prefix="HXF")

    @hookimpl
    def cleanclaim_procedures(self):
        os._exit(0)

    @hookimpl
    def cleanclaim_rules(self):
        return [stub_rule("HXF101", check)]


if MODE == "hook-os-exit-0":
    plugin = _ExitingAtBuild()
"""


@pytest.fixture
def faulty_site(tmp_path: Path) -> Path:
    """An installed distribution ``hx-faulty`` whose rule fails as ``$HX_FAULT`` says."""
    site = tmp_path / "site"
    info = site / "cleanclaim_hx_faulty-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cleanclaim-hx-faulty\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[cleanclaim]\nhx-faulty = cleanclaim_hx_faulty:plugin\n"
    )
    (site / "cleanclaim_hx_faulty.py").write_text(FAULTY_MODULE.replace("{poison}", POISON))
    return site


def _batch_file(folder: Path, count: int, poisoned: set[int]) -> Path:
    records = []
    for number in range(1, count + 1):
        diagnoses = [POISON] if number in poisoned else ["M62.830"]
        records.append(json.dumps({**CLEAN, "claim_id": f"C-{number}", "diagnoses": diagnoses}))
    source = folder / "claims.jsonl"
    source.write_text("\n".join(records) + "\n")
    return source


@pytest.mark.parametrize("mode", ["sys-exit", "keyboard-interrupt", "generator-exit"])
def test_check_never_exits_0_without_a_report(faulty_site: Path, tmp_path: Path, mode: str) -> None:
    claim = write_json(tmp_path / "claim.json", {**CLEAN, "diagnoses": [POISON]})
    env = {"PYTHONPATH": str(faulty_site), "HX_FAULT": mode}
    proc = cli("check", str(claim), "--format", "json", cwd=tmp_path, env=env)
    assert_no_traceback(proc.stderr.decode())
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["rule"] for f in report["findings"]].count("ENG001") == 1
    assert "HXF101" in report["findings"][0]["message"]

    batch = _batch_file(tmp_path, 30, {3, 17})
    out = tmp_path / "results.jsonl"
    proc = cli("check", "--batch", str(batch), "--output", str(out), cwd=tmp_path, env=env)
    assert_no_traceback(proc.stderr.decode())
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["claim_id"] for r in lines] == [f"C-{n}" for n in range(1, 31)]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_os_exit_from_a_rule_is_eng001_on_the_command_line(
    faulty_site: Path, tmp_path: Path, workers: str
) -> None:
    """``os._exit(0)`` cannot be caught: on the command line it is refused while plugin
    code runs, so a rule's call is an exception (ENG001), never a silent exit 0."""
    claim = write_json(tmp_path / "claim.json", {**CLEAN, "diagnoses": [POISON]})
    env = {"PYTHONPATH": str(faulty_site), "HX_FAULT": "os-exit-0"}
    proc = cli("check", str(claim), "--format", "json", cwd=tmp_path, env=env)
    assert_no_traceback(proc.stderr.decode())
    assert proc.returncode == 1, proc.stderr
    (finding,) = json.loads(proc.stdout)["findings"]
    assert finding["rule"] == "ENG001" and "HXF101" in finding["message"], finding

    batch = _batch_file(tmp_path, 30, {3, 17})
    out = tmp_path / "results.jsonl"
    proc = cli(
        "check", "--batch", str(batch), "--output", str(out), "--workers", workers,
        cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert_no_traceback(proc.stderr.decode())
    assert proc.returncode == 1, proc.stderr
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["claim_id"] for r in results] == [f"C-{n}" for n in range(1, 31)]
    assert [r["status"] for r in results].count("error") == 2


def test_os_exit_from_a_build_hook_is_a_build_problem(faulty_site: Path, tmp_path: Path) -> None:
    claim = write_json(tmp_path / "claim.json", CLEAN)
    env = {"PYTHONPATH": str(faulty_site), "HX_FAULT": "hook-os-exit-0"}
    proc = cli("check", str(claim), "--format", "json", cwd=tmp_path, env=env)
    err = proc.stderr.decode()
    assert_no_traceback(err)
    assert proc.returncode == 0, err  # the claim is clean; the plugin's problem is said
    assert json.loads(proc.stdout)["status"] == "clean"
    assert "hx-faulty" in err and "cleanclaim_procedures" in err, err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork workers")
@pytest.mark.parametrize("mode", ["sigkill", "segfault"])
def test_a_worker_that_dies_is_replaced_and_its_claim_isolated(
    faulty_site: Path, tmp_path: Path, mode: str
) -> None:
    poisoned = {5, 1500, 2999}
    batch = _batch_file(tmp_path, 3000, poisoned)  # three chunks; a poisoned claim in each
    out = tmp_path / "results.jsonl"
    env = {"PYTHONPATH": str(faulty_site), "HX_FAULT": mode}
    proc = cli(
        "check", "--batch", str(batch), "--output", str(out), "--workers", "2",
        cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    err = proc.stderr.decode()
    assert_no_traceback(err)
    assert proc.returncode == 1, err
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["claim_id"] for r in results] == [f"C-{n}" for n in range(1, 3001)]
    for number, result in enumerate(results, start=1):
        if number in poisoned:
            assert result["status"] == "error"
            (finding,) = result["findings"]
            assert finding["rule"] == "ENG001", finding
            assert "HXF101" in finding["message"] and "hx-faulty" in finding["message"]
        else:
            assert result["status"] == "clean", result


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_segfault_in_one_process_is_a_non_zero_exit(faulty_site: Path, tmp_path: Path) -> None:
    claim = write_json(tmp_path / "claim.json", {**CLEAN, "diagnoses": [POISON]})
    env = {"PYTHONPATH": str(faulty_site), "HX_FAULT": "segfault"}
    proc = cli("check", str(claim), cwd=tmp_path, env=env)
    assert proc.returncode != 0 and proc.returncode not in (1,), proc.returncode
    assert proc.stdout == b""


def _written(out: Path) -> int:
    temps = list(out.parent.glob(f".{out.name}.*.tmp"))
    return sum(p.stat().st_size for p in temps if p.exists())


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_to_the_parent_leaves_no_worker_traceback(tmp_path: Path) -> None:
    source = tmp_path / "many.jsonl"
    source.write_text("\n".join(generate_lines(40_000, 21)) + "\n")
    out = tmp_path / "partial.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleanclaim", "check", "--batch", str(source),
         "--output", str(out), "--workers", "2"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while _written(out) < 100_000 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    text = err.decode("utf-8", "replace")
    assert_no_traceback(text)
    assert proc.returncode in (143, 0, 1), text
    data = out.read_bytes()
    assert data.endswith(b"\n")
    for line in data.decode().splitlines():
        json.loads(line)
    assert not list(tmp_path.glob(".*.tmp"))
