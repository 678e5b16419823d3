"""``cleanclaim check --batch``: same reports as one at a time, in order, flat, robust."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleanclaim.cli import batch as batch_module
from cleanclaim.cli import main
from cleanclaim.engine import Engine, InputError
from cleanclaim.models import InputRef
from cleanclaim.synth import generate_lines


def _located(engine: Engine, data: dict[str, object], where: InputRef) -> str:
    """The batch line of a claim: its own report with ``input`` set, as the model dumps it."""
    return engine.check(data).model_copy(update={"input": where}).model_dump_json()


def _expected(engine: Engine, path: Path) -> list[str]:
    """What checking each record alone gives: the report JSON, or the invalid marker."""
    out = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            out.append(_located(engine, data, InputRef(format="jsonl", line=number)))
        except (json.JSONDecodeError, InputError):
            out.append(json.dumps({"line": number, "status": "invalid"}))
    return out


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _comparable(line: str) -> str:
    data = json.loads(line)
    if data.get("status") == "invalid":  # compare the marker, not the message wording
        assert data["errors"] and all(isinstance(e, str) and e for e in data["errors"])
        return json.dumps({"line": data["line"], "status": "invalid"})
    return line


@pytest.mark.parametrize("workers", [1, 2])
def test_results_equal_one_at_a_time_in_input_order(
    engine: Engine,
    claims_file: Path,
    tmp_path: Path,
    workers: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "results.jsonl"
    status, _, err = _run(
        ["check", "--batch", str(claims_file), "--output", str(out), "--workers", str(workers)],
        capsys,
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [_comparable(line) for line in lines] == _expected(engine, claims_file)
    assert status == 1  # the file holds error claims and invalid records
    assert err.startswith(f"{len(lines)} claims: ")
    assert "top rules: " in err
    assert "\r" not in err  # no progress bar when stderr is not a terminal


def test_invalid_records_name_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text(
        '{"date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}\n'
        '{"date_of_service": "2026-05-12", "diagnoses": ["M62.830"],'
        ' "lines": [{"procedure": "97110", "units": "x"}]}\n'
        "[1, 2]\n"
        '{"date_of_service": "2026-05-12", "diag\n'
        '{"date_of_service": "2001-03-01", "diagnoses": ["M62.830"]}\n',
        encoding="utf-8",
    )
    status, out, err = _run(["check", "--batch", str(source)], capsys)
    results = [json.loads(line) for line in out.splitlines()]
    assert status == 1
    assert [r["status"] for r in results] == ["clean", "invalid", "invalid", "invalid", "invalid"]
    assert [r.get("line") for r in results[1:]] == [2, 3, 4, 5]
    assert "lines[0].units" in results[1]["errors"][0]
    assert "JSON object" in results[2]["errors"][0]
    assert "not valid JSON" in results[3]["errors"][0]
    assert "date_of_service" in results[4]["errors"][0]
    assert "1 clean" in err and "4 invalid" in err


def test_clean_batch_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "ok.jsonl"
    source.write_text('{"date_of_service": "2026-05-12", "diagnoses": ["M62.830"]}\n')
    assert _run(["check", "--batch", str(source)], capsys)[0] == 0


def test_cannot_run_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(["check", "--batch", str(tmp_path / "missing.jsonl")], capsys)
    assert (status, out) == (2, "")
    assert "missing.jsonl: no such file" in err


def test_csv_claim_json_column(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = list(generate_lines(40, 12))
    source = tmp_path / "claims.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["batch_id", "claim_json"])
        for text in lines:
            writer.writerow(["B1", text])
        writer.writerow(["B1", "{not json"])
    status, out, _ = _run(["check", "--batch", str(source)], capsys)
    results = out.splitlines()
    assert results[:40] == [
        _located(engine, json.loads(t), InputRef(format="csv", line=n, ids={"batch_id": "B1"}))
        for n, t in enumerate(lines, start=2)  # generated claims hold no newline: one line each
    ]
    last = json.loads(results[40])
    assert (last["line"], last["status"]) == (42, "invalid")  # header is line 1
    assert status == 1


def test_csv_without_claim_json_column_cannot_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "claims.csv"
    source.write_text("id,claim\n1,{}\n", encoding="utf-8")
    status, _, err = _run(["check", "--batch", str(source)], capsys)
    assert status == 2
    assert "claims.csv: line 1" in err and "claim_json" in err


def test_parallel_reads_a_bounded_window_ahead(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory stays flat: the reader is never more than workers * INFLIGHT chunks ahead."""
    monkeypatch.setattr(batch_module, "CHUNK", 4)
    produced = 0

    def chunks() -> Iterator[list[batch_module.Record]]:
        nonlocal produced
        texts = generate_lines(4 * 60, 13)
        for start in range(60):
            produced += 1
            yield [(start * 4 + i + 1, next(texts), None, None) for i in range(4)]

    consumed = 0
    for window in batch_module._parallel(engine, chunks(), 2):
        consumed += 1
        assert window.count == 4 and window.text.count(b"\n") == 4
        assert produced - consumed <= 2 * batch_module.INFLIGHT
    assert consumed == 60


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_interrupted_batch_leaves_only_whole_lines(tmp_path: Path, workers: str) -> None:
    source = tmp_path / "many.jsonl"
    source.write_text("\n".join(generate_lines(60000, 14)) + "\n", encoding="utf-8")
    out = tmp_path / "partial.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cleanclaim",
            "check",
            "--batch",
            str(source),
            "--output",
            str(out),
            "--workers",
            workers,
        ],
        stderr=subprocess.PIPE,
        # A job started in the background by a shell inherits SIGINT ignored, and Python
        # keeps it so; the batch must see the interrupt a terminal would send.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    # Results go to a temporary file beside the output until the batch ends.
    while _written(out) < 200_000 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    data = out.read_bytes()
    assert data.endswith(b"\n")
    lines = data.decode("utf-8").splitlines()
    assert 0 < len(lines) < 60000
    for line in lines:
        json.loads(line)


def test_output_is_deterministic_across_runs(
    claims_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _run(["check", "--batch", str(claims_file), "--output", str(first)], capsys)
    _run(["check", "--batch", str(claims_file), "--output", str(second), "--workers", "2"], capsys)
    assert first.read_bytes() == second.read_bytes()
    assert os.path.getsize(first) > 0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminal")
def test_a_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    import pty

    source = tmp_path / "claims.jsonl"
    source.write_text("\n".join(generate_lines(2000, 15)) + "\n", encoding="utf-8")
    controller, terminal = pty.openpty()
    try:
        status = subprocess.run(
            [sys.executable, "-m", "cleanclaim", "check", "--batch", str(source)],
            stdout=subprocess.DEVNULL,
            stderr=terminal,
            timeout=300,
        ).returncode
    finally:
        os.close(terminal)
    shown = b""
    while True:  # the few lines written are all buffered in the pty by now
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the terminal side is closed and everything was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    text = shown.decode("utf-8")
    assert status == 1
    assert "\r[" + "#" * batch_module._Progress.WIDTH + "] 100%  2,000 claims checked" in text
    assert "\n2000 claims: " in text.replace("\r\n", "\n")  # the summary follows the bar


def _written(out: Path) -> int:
    """Bytes written so far by a batch writing ``out`` (to its temporary file until done)."""
    temps = list(out.parent.glob(f".{out.name}.*.tmp"))
    return sum(p.stat().st_size for p in temps if p.exists()) or (
        out.stat().st_size if out.exists() else 0
    )


def test_an_embedded_parallel_batch_leaves_the_collector_as_it_was(
    claims_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The program freezes its objects before forking workers (they then share the
    engine's pages instead of copying them); a caller that embeds ``main`` and goes on
    after the batch keeps its cycle collector as it was (CPython 3.12 starts with some
    objects frozen already, so the count is compared, not assumed zero)."""
    import gc

    before = gc.get_freeze_count()
    out = tmp_path / "out.jsonl"
    status, _, _ = _run(
        ["check", "--batch", str(claims_file), "--output", str(out), "--workers", "2"], capsys
    )
    assert status in (0, 1) and out.read_text(encoding="utf-8")
    assert gc.get_freeze_count() == before


def test_the_program_freezes_what_is_alive_before_it_exits(tmp_path: Path) -> None:
    """``cleanclaim`` (the program, ``cli.run``) freezes everything before the process
    ends: finalisation would otherwise search a fiscal year's million objects for cycles,
    longer than checking the claim.  ``main`` itself, which callers embed, freezes none."""
    probe = (
        "import atexit, gc, sys\n"
        "base = gc.get_freeze_count()\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > base, file=sys.stderr))\n"
        "from cleanclaim.cli import main, run\n"
        "main(['code', 'M62.830'])\n"
        "assert gc.get_freeze_count() == base, 'main froze'\n"
        "sys.argv = ['cleanclaim', 'code', 'M62.830']\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "frozen True" in done.stderr
