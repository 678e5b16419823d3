"""The cycle collector is paused only while large acyclic data is built, and only
switched back on if it was on (an application that turned it off keeps it off); the
``cleanclaim`` program alone also starts without it and freezes what its start and its
loads leave (issue 18), a caller that embeds the kernel never."""

from __future__ import annotations

import ast
import gc
import subprocess
import sys
from pathlib import Path

import pytest

from cleanclaim import collector

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "claims"
EXAMPLE = EXAMPLE / "back-spasm-pt-medicare.json"


def test_paused_for_the_body_and_on_again_after() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_even_when_the_body_fails() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("broken data file")
    assert gc.isenabled()


def test_an_application_that_switched_it_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_fiscal_years_first_load_leaves_it_on() -> None:
    from cleanclaim.icd.registry import DatasetRegistry

    dataset = DatasetRegistry.packaged().for_fiscal_year(2026)
    assert dataset.is_billable("M62.830")
    assert dataset.excludes1("M62.830") is not None  # the notes, loaded too
    assert gc.isenabled()


def test_an_embedding_caller_is_never_frozen() -> None:
    """Only the program freezes (collector.settle): a caller that checks claims, or even
    runs the command line's main(), keeps every object within the collector's reach."""
    from cleanclaim.cli import main

    before = gc.get_freeze_count()
    assert main(["check", str(EXAMPLE)]) == 1
    assert gc.get_freeze_count() == before
    assert gc.isenabled()


#: the program, with a look at the collector when the first claim is checked and when a
#: fiscal year has just been loaded.
_PROGRAM = """
import gc, sys
from cleanclaim import engine
from cleanclaim.icd import dataset

seen = []
check, load = engine.Engine.check, dataset.Dataset._load_core

def looked(self, claim):
    seen.append(("check", gc.isenabled(), gc.get_freeze_count()))
    return check(self, claim)

def loaded(self):
    core = load(self)
    seen.append(("load", gc.isenabled(), gc.get_freeze_count()))
    return core

engine.Engine.check, dataset.Dataset._load_core = looked, loaded
leave = sys.exit

def left(status):
    seen.append(("exit", gc.isenabled(), gc.get_freeze_count()))
    leave(status)

sys.exit = left
started = gc.isenabled()
from cleanclaim.cli import run
sys.argv = ["cleanclaim", *sys.argv[1:]]
try:
    run()
finally:
    print(repr((started, seen)), file=sys.stderr)
"""


def _program(*args: str) -> tuple[bool, list[tuple[str, bool, int]]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM, *args], capture_output=True, text=True, check=False
    )
    started, seen = ast.literal_eval(done.stderr.strip().splitlines()[-1])
    return started, seen


def test_the_program_checks_claims_with_the_collector_on_and_its_start_frozen() -> None:
    started, seen = _program("check", str(EXAMPLE))
    assert started
    kinds = [kind for kind, _, _ in seen]
    assert kinds[0] == "check" and "load" in kinds and kinds[-1] == "exit"
    assert seen[-1][1], "the collector was off at the end"
    _, on, frozen = seen[0]
    assert on, "the claim was checked with the collector off"
    assert frozen > 10_000, "the start was not frozen"
    [(_, on_in_load, _)] = [s for s in seen if s[0] == "load"]
    assert not on_in_load  # a fiscal year loads with it paused, as before


def test_a_verb_without_an_engine_runs_without_the_collector() -> None:
    started, seen = _program("code", "M62.830")
    assert started
    assert [kind for kind, _, _ in seen] == ["load", "exit"]
    assert not any(on for _, on, _ in seen)  # never switched on again
    assert seen[-1][2] > 10_000  # and all of it frozen before the end
