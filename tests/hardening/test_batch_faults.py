"""``check --batch``: bad records lose no good one, and an interrupt leaves whole lines.

Promises (DESIGN.md, docs/guides/batch.md):

* every good record gets its report, in input order, whatever bad records sit between
  them; every bad record becomes ``{"line": N, "status": "invalid", "errors": [...]}``
  with its own line number, and the batch exits 1;
* a batch stopped part-way (SIGINT, SIGTERM, or an interrupt raised while a claim is
  being checked) leaves only whole result lines, a prefix of what a full run writes;
* an output that cannot be written is exit 2 with one line, never a traceback.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hardening_support import CLEAN, assert_no_traceback, cli

from cleanclaim import interrupts
from cleanclaim.cli import main
from cleanclaim.engine import Engine
from cleanclaim.synth import generate_lines

#: bad records of every kind that could sit in a night's file; each must become invalid.
BAD_RECORDS: dict[str, bytes] = {
    "truncated": b'{"claim_id": "T", "date_of_service": "2026-05-12", "diagn',
    "array": json.dumps([CLEAN]).encode(),
    "string": b'"just a string"',
    "wrong-type": json.dumps({**CLEAN, "diagnoses": "M62.830"}).encode(),
    "unknown-field": json.dumps({**CLEAN, "diagnosis": ["M62.830"]}).encode(),
    "no-dataset": json.dumps({**CLEAN, "date_of_service": "0001-01-01"}).encode(),
    "nested-100k": b"[" * 100_000 + b"]" * 100_000,
    "not-utf8": b'{"claim_id": "\xff\xfe"}',
    "nul-byte": b'{"claim_id": "a\x00"}',
    "surrogate": json.dumps({**CLEAN, "claim_id": "\ud800"}).encode(),
    "emoji-code": json.dumps({**CLEAN, "diagnoses": ["\U0001f600"]}).encode(),
    "ten-thousand-lines": json.dumps(
        {**CLEAN, "lines": [{"procedure": "97110", "diagnosis_pointers": [1]}] * 10_000}
    ).encode(),
}
#: json.loads raises a plain ValueError (not JSONDecodeError) for integers over 4300 digits.
HUGE_NUMBER = (
    b'{"date_of_service": "2026-05-12", "diagnoses": ["M62.830"], '
    b'"lines": [{"procedure": "97110", "units": ' + b"9" * 5000 + b"}]}"
)


def _good(number: int) -> bytes:
    return json.dumps({**CLEAN, "claim_id": f"GOOD-{number}"}).encode()


def _run_batch(tmp_path: Path, records: list[bytes]) -> tuple[int, list[dict[str, Any]], str]:
    source = tmp_path / "claims.jsonl"
    source.write_bytes(b"\n".join(records) + b"\n")
    out = tmp_path / "results.jsonl"
    proc = cli("check", "--batch", str(source), "--output", str(out), cwd=tmp_path)
    err = proc.stderr.decode("utf-8", "replace")
    assert_no_traceback(err)
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    return proc.returncode, [json.loads(line) for line in lines], err


def _assert_nothing_lost(
    results: list[dict[str, Any]], good: dict[int, str], bad: dict[int, str]
) -> None:
    assert len(results) == len(good) + len(bad)
    by_order = sorted([*good, *bad])
    for number, result in zip(by_order, results, strict=True):
        if number in good:
            assert result.get("claim_id") == good[number], (number, result)
            assert result["status"] in ("clean", "warning", "error")
        else:
            assert result["status"] == "invalid", (bad[number], result)
            assert result["line"] == number, (bad[number], result)
            assert result["errors"] and all(isinstance(e, str) and e for e in result["errors"])


def test_bad_records_in_the_middle_lose_no_good_record(tmp_path: Path) -> None:
    records: list[bytes] = []
    good: dict[int, str] = {}
    bad: dict[int, str] = {}
    for kind, raw in BAD_RECORDS.items():
        for item in (_good(len(records) + 1), raw):
            records.append(item)
            number = len(records)
            if item is raw:
                bad[number] = kind
            else:
                good[number] = f"GOOD-{number}"
    records.append(_good(len(records) + 1))
    good[len(records)] = f"GOOD-{len(records)}"
    status, results, err = _run_batch(tmp_path, records)
    assert status == 1, err
    _assert_nothing_lost(results, good, bad)
    assert f"{len(bad)} invalid" in err


def test_a_number_too_long_for_python_is_one_invalid_record(tmp_path: Path) -> None:
    records = [_good(1), HUGE_NUMBER, _good(3)]
    status, results, err = _run_batch(tmp_path, records)
    assert status == 1, err
    _assert_nothing_lost(results, {1: "GOOD-1", 3: "GOOD-3"}, {2: "huge-number"})


def test_a_key_given_twice_is_an_invalid_record(tmp_path: Path) -> None:
    """``json.loads`` keeps the last of two equal keys; the batch must not check a claim
    whose diagnoses the vendor's own system may read differently (``check FILE`` refuses
    it too, with "appears twice")."""
    twice = (
        b'{"claim_id": "TWICE", "date_of_service": "2026-05-12", "diagnoses": ["M54.5"], '
        b'"diagnoses": ["M62.830"]}'
    )
    status, results, err = _run_batch(tmp_path, [_good(1), twice, _good(3)])
    assert status == 1, err
    _assert_nothing_lost(results, {1: "GOOD-1", 3: "GOOD-3"}, {2: "duplicate-key"})
    assert any("twice" in e for e in results[1]["errors"]), results[1]


def _whole_lines_prefix(partial: bytes, full: list[str]) -> int:
    assert partial == b"" or partial.endswith(b"\n"), partial[-200:]
    lines = partial.decode("utf-8").splitlines()
    assert lines == full[: len(lines)], "interrupted output is not a prefix of the full run"
    return len(lines)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """20,000 synthetic claims and the result lines a full run writes for them."""
    folder = tmp_path_factory.mktemp("many")
    source = folder / "many.jsonl"
    source.write_text("\n".join(generate_lines(20_000, 5, malformed_rate=0.02)) + "\n")
    full = folder / "full.jsonl"
    proc = cli("check", "--batch", str(source), "--output", str(full), cwd=folder, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return source, full.read_text(encoding="utf-8").splitlines()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_leaves_only_whole_lines(tmp_path: Path, many: tuple[Path, list[str]]) -> None:
    source, full = many
    out = tmp_path / "partial.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleanclaim", "check", "--batch", str(source), "--output", str(out)],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    # Results go to a temporary file beside the output until the batch ends.
    while _written(out) < 50_000 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert_no_traceback(err.decode("utf-8", "replace"))
    written = _whole_lines_prefix(out.read_bytes(), full)
    if proc.returncode == 0 or proc.returncode == 1:  # pragma: no cover - finished first
        assert written == len(full)
    else:
        assert 0 < written < len(full)


def _fail_on_claim(n: int, fail: Callable[[], None], monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-process batch's engine calls ``fail()`` instead of checking its ``n``-th
    claim (and checks every other claim as ever)."""
    calls = 0
    real_check = Engine.check

    def check(self: Engine, claim: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == n:
            fail()
        return real_check(self, claim)

    monkeypatch.setattr(Engine, "check", check)


def test_interrupt_while_checking_leaves_only_whole_lines(
    tmp_path: Path, many: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C arriving inside a rule (not between writes) in the one-process batch."""
    source, full = many

    def interrupt() -> None:
        raise KeyboardInterrupt

    _fail_on_claim(1000, interrupt, monkeypatch)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "partial.jsonl"
    status = main(["check", "--batch", str(source), "--output", str(out)])
    assert status == 130
    written = _whole_lines_prefix(out.read_bytes(), full)
    assert written < len(full)


@pytest.mark.parametrize(
    ("signal_exc", "status"), [(interrupts.Terminated, 143), (KeyboardInterrupt, 130)]
)
def test_a_signal_that_library_code_wrapped_still_stops_the_batch(
    tmp_path: Path,
    many: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    signal_exc: type[KeyboardInterrupt],
    status: int,
) -> None:
    """A SIGTERM handled inside pydantic's serializer came out as its own error (seen in
    CI: PydanticSerializationError "Terminated"): it is still the signal, never a
    traceback, and the lines written so far stay whole."""
    source, full = many

    def signalled() -> None:  # what the signal handler does, then the library's wrapping
        monkeypatch.setattr(interrupts, "received", interrupts.received + 1)
        monkeypatch.setattr(interrupts, "_last", signal_exc)
        raise ValueError(f"Error serializing to JSON: {signal_exc.__name__}")

    _fail_on_claim(1000, signalled, monkeypatch)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "partial.jsonl"
    assert main(["check", "--batch", str(source), "--output", str(out)]) == status
    assert _whole_lines_prefix(out.read_bytes(), full) < len(full)


def test_an_error_without_a_signal_is_not_taken_for_one(
    tmp_path: Path, many: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, _full = many

    def broken() -> None:
        raise ValueError("a bug, not a signal")

    _fail_on_claim(1, broken, monkeypatch)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="a bug, not a signal"):
        main(["check", "--batch", str(source), "--output", str(tmp_path / "out.jsonl")])


def test_unwritable_output_is_exit_2_without_traceback(tmp_path: Path) -> None:
    source = tmp_path / "one.jsonl"
    source.write_bytes(_good(1) + b"\n")
    for target in ("/dev/full", str(tmp_path / "no" / "such" / "folder.jsonl")):
        if target == "/dev/full" and not Path(target).exists():
            continue
        proc = cli("check", "--batch", str(source), "--output", target, cwd=tmp_path)
        err = proc.stderr.decode()
        assert_no_traceback(err)
        assert proc.returncode == 2 and err.startswith("cleanclaim: error:"), err


def _written(out: Path) -> int:
    """Bytes written so far by a batch writing ``out`` (to its temporary file until done)."""
    temps = list(out.parent.glob(f".{out.name}.*.tmp"))
    return sum(p.stat().st_size for p in temps if p.exists()) or (
        out.stat().st_size if out.exists() else 0
    )
