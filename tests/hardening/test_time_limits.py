"""A looping or very slow rule, hook or import never hangs a check or a batch.

Promises (docs/promises.md):

* A claim has a time limit (``time-limit`` in the configuration, 5 s by default).  A rule
  still running when it passes is interrupted; the claim gets an ENG001 error naming the
  plugin, the rule and the limit, keeps the findings of the rules that ran before, and the
  batch goes on.  A rule that swallows the interruption gains nothing.
* With ``--workers N`` the parent also stops a worker whose claim runs far past the limit
  (a rule that cannot be interrupted in its own process) and answers that claim with ENG001.
* A plugin whose import or build hook runs past ``build-time-limit`` is named in a build
  problem and left out; the other plugins load.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hardening_support import CLEAN, assert_no_traceback, cli, write_json

from cleanclaim.config import Config
from cleanclaim.context import ClaimContext
from cleanclaim.contributions import Hit
from cleanclaim.engine import Engine
from cleanclaim.fixtures import plugin_of, stub_rule
from cleanclaim.plugin import PLUGIN_API, hookimpl
from cleanclaim.plugin.hookspecs import PluginInfo

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGALRM")

POISON = "M54.50"


def _spin() -> None:
    while True:
        pass


def _swallowing_spin() -> None:
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:  # catches every interruption for 3 s, then gives up
        try:
            while True:
                pass
        except BaseException:  # the point of the test
            pass


SLOW: dict[str, Any] = {
    "loop": _spin,
    "sleep": lambda: time.sleep(3600),
    "swallow": _swallowing_spin,
}


def _slow_engine(kind: str, limit: float = 0.5) -> Engine:
    def slow(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        if POISON in ctx.diagnoses:
            SLOW[kind]()
        yield from ()

    def first(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
        yield Hit(message="seen before the slow rule", location="")

    plugin = plugin_of(
        "hx-slow", "HXT", rules=[stub_rule("HXT101", first), stub_rule("HXT102", slow)]
    )
    return Engine.build([plugin], installed=False, config=Config(time_limit=limit))


@pytest.mark.parametrize("kind", list(SLOW))
def test_a_slow_rule_is_stopped_at_the_limit_and_named(kind: str) -> None:
    engine = _slow_engine(kind)
    assert [f.rule for f in engine.check(CLEAN).findings] == ["HXT101"]
    started = time.monotonic()
    report = engine.check({**CLEAN, "diagnoses": [POISON]})
    took = time.monotonic() - started
    assert took < (4.5 if kind == "swallow" else 2.0), took
    assert report.status == "error"
    eng = [f for f in report.findings if f.rule == "ENG001"]
    assert len(eng) == 1, report.findings
    assert "HXT102" in eng[0].message and "hx-slow" in eng[0].message
    assert "time limit" in eng[0].message and "0.5 s" in eng[0].message
    assert "HXT101" in [f.rule for f in report.findings]  # what ran before is kept
    # and the engine is as it was: the next claim is answered at once, the same way
    started = time.monotonic()
    assert [f.rule for f in engine.check(CLEAN).findings] == ["HXT101"]
    assert time.monotonic() - started < 0.5


def test_no_limit_when_switched_off_and_none_left_armed() -> None:
    import signal

    engine = _slow_engine("loop", limit=0)
    assert [f.rule for f in engine.check(CLEAN).findings] == ["HXT101"]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    engine = _slow_engine("loop")
    engine.check({**CLEAN, "diagnoses": [POISON]})
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # nothing fires later


def test_claim_after_claim_in_a_batch_each_gets_its_own_full_limit() -> None:
    """Inside ``deadline.held()`` (the batch) the timer stays armed between claims: a slow
    claim after many quick ones is still stopped at its own limit, never early and never
    at an earlier claim's, and the timer is disarmed when the batch ends."""
    import signal

    from cleanclaim import deadline

    generous = _slow_engine("loop", limit=5)
    strict = _slow_engine("loop", limit=0.5)
    with deadline.held():
        for _ in range(200):
            assert [f.rule for f in strict.check(CLEAN).findings] == ["HXT101"]
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0  # left armed between claims
        time.sleep(0.6)  # it fires while no claim runs (and disarms) ...
        generous.check(CLEAN)  # ... a 5 s limit arms it for 5 s ...
        started = time.monotonic()
        report = strict.check({**CLEAN, "diagnoses": [POISON]})  # ... this one has 0.5 s
        took = time.monotonic() - started
        assert 0.45 < took < 2.0, took  # its own limit, not the earlier claim's 5 s
        assert "time limit" in next(f for f in report.findings if f.rule == "ENG001").message
        assert [f.rule for f in strict.check(CLEAN).findings] == ["HXT101"]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_an_alarm_after_a_held_limit_ended_is_ignored_and_disarms() -> None:
    import signal

    from cleanclaim import deadline

    engine = _slow_engine("loop", limit=0.2)
    with deadline.held():
        engine.check(CLEAN)
        time.sleep(0.35)  # the pending alarm fires while no claim runs
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert deadline.state.fires == float("inf")  # and our note of it says so
        assert [f.rule for f in engine.check(CLEAN).findings] == ["HXT101"]


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="fork")
def test_a_forked_worker_does_not_trust_its_parents_armed_timer() -> None:
    """fork(2) does not carry the parent's timer into the child: a worker forked while
    the parent's timer was armed must arm its own, or its claims would have no limit."""
    import os

    from cleanclaim import deadline

    engine = _slow_engine("loop", limit=0.5)
    with deadline.held():
        engine.check(CLEAN)  # armed, and left armed
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through the pipe
            try:
                report = engine.check({**CLEAN, "diagnoses": [POISON]})
                os.write(write, ",".join(f.rule for f in report.findings).encode())
            finally:
                os._exit(0)
        os.close(write)
        import select
        import signal

        ready, _, _ = select.select([read], [], [], 5)
        if not ready:  # the child's limit never came: stop it, and fail
            os.kill(child, signal.SIGKILL)
        got = os.read(read, 4096).decode() if ready else "(no answer in 5 s)"
        os.close(read)
        os.waitpid(child, 0)
    assert "ENG001" in got.split(","), got


def test_a_check_in_another_thread_is_not_interrupted_wrongly() -> None:
    """Only the main thread can be interrupted; a thread's claims are checked in full."""
    engine = _slow_engine("loop")
    results: list[str] = []

    def run() -> None:
        results.extend(f.rule for f in engine.check(CLEAN).findings)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert results == ["HXT101"]


@pytest.mark.parametrize("value", [-1, "soon", True])
def test_a_bad_time_limit_is_a_configuration_error(value: Any, tmp_path: Path) -> None:
    from cleanclaim.config import ConfigError

    path = tmp_path / "cleanclaim.toml"
    path.write_text(f"time-limit = {json.dumps(value)}\n")
    with pytest.raises(ConfigError, match="time-limit"):
        Config.load(path)


class _HangingHook:
    @hookimpl
    def cleanclaim_plugin_info(self) -> PluginInfo:
        return PluginInfo(name="hx-hang", api=PLUGIN_API, rule_prefix="HXG")

    @hookimpl
    def cleanclaim_procedures(self) -> list[Any]:
        _spin()
        return []

    @hookimpl
    def cleanclaim_rules(self) -> list[Any]:
        return [stub_rule("HXG101", lambda ctx, options: iter(()))]


def test_a_plugin_that_hangs_at_build_is_named_and_left_out() -> None:
    started = time.monotonic()
    good = plugin_of("hx-good", "HXO", rules=[stub_rule("HXO101", lambda c, o: iter(()))])
    engine = Engine.build(
        [_HangingHook(), good], installed=False, config=Config(build_time_limit=0.5)
    )
    assert time.monotonic() - started < 5
    problems = [p for p in engine.problems if p.plugin == "hx-hang"]
    assert problems and problems[0].hook == "cleanclaim_procedures", engine.problems
    assert "time limit" in problems[0].error
    assert "HXG101" not in engine.rules and "HXO101" in engine.rules
    assert "hx-hang" not in [p.name for p in engine.plugins]


# -- as a vendor runs it -------------------------------------------------------------------

SLOW_MODULE = """
import os, time
from cleanclaim.fixtures import plugin_of, stub_rule

if os.environ.get("HX_HANG_IMPORT"):
    while True:
        pass


def check(ctx, options):
    if "{poison}" in ctx.diagnoses:
        if os.environ.get("HX_SWALLOW"):
            while True:
                try:
                    while True:
                        pass
                except BaseException:
                    pass
        while True:
            pass
    yield from ()


plugin = plugin_of("hx-slowsite", "HXW", rules=[stub_rule("HXW101", check)])
"""


@pytest.fixture
def slow_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    info = site / "cleanclaim_hx_slowsite-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cleanclaim-hx-slowsite\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[cleanclaim]\nhx-slowsite = cleanclaim_hx_slowsite:plugin\n"
    )
    (site / "cleanclaim_hx_slowsite.py").write_text(SLOW_MODULE.replace("{poison}", POISON))
    (tmp_path / "cleanclaim.toml").write_text("time-limit = 0.5\nbuild-time-limit = 1\n")
    return site


def _batch(folder: Path, count: int, poisoned: set[int]) -> Path:
    lines = [
        json.dumps(
            {**CLEAN, "claim_id": f"C-{n}", "diagnoses": [POISON if n in poisoned else "M62.830"]}
        )
        for n in range(1, count + 1)
    ]
    path = folder / "claims.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _assert_isolated(out: Path, count: int, poisoned: set[int]) -> None:
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["claim_id"] for r in results] == [f"C-{n}" for n in range(1, count + 1)]
    for number, result in enumerate(results, start=1):
        if number in poisoned:
            (finding,) = [f for f in result["findings"] if f["rule"] == "ENG001"]
            assert "HXW101" in finding["message"] and "hx-slowsite" in finding["message"]
        else:
            assert result["status"] == "clean", result


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_looping_rule_costs_a_batch_one_claim(
    slow_site: Path, tmp_path: Path, workers: str
) -> None:
    claim = write_json(tmp_path / "claim.json", {**CLEAN, "diagnoses": [POISON]})
    env = {"PYTHONPATH": str(slow_site)}
    proc = cli("check", str(claim), "--format", "json", cwd=tmp_path, env=env, timeout=30)
    assert_no_traceback(proc.stderr.decode())
    assert proc.returncode == 1, proc.stderr
    assert "time limit" in json.loads(proc.stdout)["findings"][0]["message"]

    poisoned = {2, 40}
    batch = _batch(tmp_path, 60, poisoned)
    out = tmp_path / "out.jsonl"
    proc = cli(
        "check", "--batch", str(batch), "--output", str(out), "--workers", workers,
        cwd=tmp_path, env=env, timeout=60,
    )  # fmt: skip
    assert_no_traceback(proc.stderr.decode())
    assert proc.returncode == 1, proc.stderr
    _assert_isolated(out, 60, poisoned)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork workers")
def test_a_worker_stuck_past_the_limit_is_stopped_by_the_parent(
    slow_site: Path, tmp_path: Path
) -> None:
    """A rule that swallows every interruption cannot be stopped in its own process; the
    parent stops its worker, and the claim gets ENG001 as after a worker death."""
    poisoned = {7}
    batch = _batch(tmp_path, 30, poisoned)
    out = tmp_path / "out.jsonl"
    env = {"PYTHONPATH": str(slow_site), "HX_SWALLOW": "1"}
    proc = cli(
        "check", "--batch", str(batch), "--output", str(out), "--workers", "2",
        cwd=tmp_path, env=env, timeout=60,
    )  # fmt: skip
    assert_no_traceback(proc.stderr.decode())
    assert proc.returncode == 1, proc.stderr
    _assert_isolated(out, 30, poisoned)
    text = out.read_text()
    assert "time limit" in text


def test_a_plugin_whose_import_hangs_is_named_and_the_rest_load(
    slow_site: Path, tmp_path: Path
) -> None:
    env = {"PYTHONPATH": str(slow_site), "HX_HANG_IMPORT": "1"}
    claim = write_json(tmp_path / "claim.json", CLEAN)
    proc = cli("check", str(claim), "--format", "json", cwd=tmp_path, env=env, timeout=30)
    err = proc.stderr.decode()
    assert_no_traceback(err)
    assert "hx-slowsite" in err and "time limit" in err, err
    assert proc.returncode == 0, err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGALRM")
@pytest.mark.parametrize("how", [("check",), ("check", "--batch", "--workers", "1")])
def test_a_rule_that_swallows_every_interruption_never_hangs_one_process(
    slow_site: Path, tmp_path: Path, how: tuple[str, ...]
) -> None:
    """In one process nothing can stop a rule that catches every interruption in a loop:
    the command line ends with status 2 and a message naming the rule, once it has
    swallowed them for the limit and a second more, instead of hanging for ever."""
    (tmp_path / "cleanclaim.toml").write_text("time-limit = 0.5\n")
    env = {"PYTHONPATH": str(slow_site), "HX_SWALLOW": "1"}
    if how == ("check",):
        target = write_json(tmp_path / "claim.json", {**CLEAN, "diagnoses": [POISON]})
        argv = ["check", str(target)]
    else:
        target = _batch(tmp_path, 30, {7})
        argv = ["check", "--batch", str(target), "--output", str(tmp_path / "out.jsonl"), *how[2:]]
    started = time.monotonic()
    proc = cli(*argv, "--config", str(tmp_path / "cleanclaim.toml"), cwd=tmp_path, env=env)
    took = time.monotonic() - started
    err = proc.stderr.decode()
    assert_no_traceback(err)
    assert proc.returncode == 2, err
    assert "HXW101" in err and "hx-slowsite" in err and "0.5 s" in err, err
    assert took < 30, took
