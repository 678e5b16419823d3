"""``cleanclaim check --batch``: stream a JSONL file through the engine.

Input is read lazily and results are written in input order, in windows of a bounded
size, so memory stays flat however long the file is.  With ``--workers N`` each worker
process builds its own engine once and checks whole windows; the parent only reads,
dispatches and writes.  Each result is written as one complete line with a single write,
so an interrupted batch never leaves half a line behind.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

from cleanclaim.cli.errors import CliInputError
from cleanclaim.engine import Engine, InputError

WINDOW = 512

_ENGINE: Engine | None = None


def check_record(engine: Engine, number: int, text: str, origin: str) -> str:
    """One result line (JSON, no newline) for one input line."""
    from cleanclaim.cli.check import parse_claim

    try:
        data = parse_claim(text, f"{origin}:{number}")
        report = engine.check(data)
    except (CliInputError, InputError) as exc:
        message = str(exc)
        prefix = f"{origin}:{number}: "
        if message.startswith(prefix):
            message = message[len(prefix) :]
        return json.dumps({"line": number, "status": "invalid", "errors": message.split("; ")})
    return report.model_dump_json()


def _init_worker(config_path: str | None, payer: str | None) -> None:
    global _ENGINE
    from cleanclaim.cli.check import load_config

    args = argparse.Namespace(config=config_path, payer=payer)
    _ENGINE = Engine.build(config=load_config(args))


def _work(chunk: list[tuple[int, str]], origin: str) -> list[str]:
    assert _ENGINE is not None
    return [check_record(_ENGINE, number, text, origin) for number, text in chunk]


def _records(stream: IO[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield number, line


def run_batch(args: argparse.Namespace) -> int:
    from cleanclaim.cli.check import build_engine, summary_lines

    source = Path(args.batch)
    if not source.is_file():
        raise CliInputError(f"{args.batch}: no such file")
    engine = build_engine(args)  # fails fast on bad configuration before any output
    statuses: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    show_progress = sys.stderr.isatty()
    out: IO[str] = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    total = 0
    try:
        with source.open(encoding="utf-8", errors="replace") as stream:
            records = _records(stream)
            for results in _windows(engine, records, args, source.name):
                for line in results:
                    out.write(line + "\n")
                    _tally(line, statuses, rules)
                    total += 1
                out.flush()
                if show_progress:
                    print(f"\r{total} claims checked", end="", file=sys.stderr, flush=True)
    finally:
        if out is not sys.stdout:
            out.close()
    if show_progress:
        print(file=sys.stderr)
    for text in summary_lines(statuses, rules, total):
        print(text, file=sys.stderr)
    return 1 if statuses["error"] or statuses["invalid"] else 0


def _windows(
    engine: Engine, records: Iterator[tuple[int, str]], args: argparse.Namespace, origin: str
) -> Iterator[list[str]]:
    if args.workers == 1:
        while window := list(islice(records, WINDOW)):
            yield [check_record(engine, n, text, origin) for n, text in window]
        return
    ctx = get_context("spawn" if sys.platform == "win32" else "fork")
    per_worker = WINDOW // 4
    init_args = (args.config, args.payer)
    with ctx.Pool(args.workers, initializer=_init_worker, initargs=init_args) as pool:
        while window := list(islice(records, WINDOW * args.workers)):
            chunks = [window[i : i + per_worker] for i in range(0, len(window), per_worker)]
            results = pool.starmap(_work, [(chunk, origin) for chunk in chunks])
            yield [line for chunk in results for line in chunk]


def _tally(line: str, statuses: Counter[str], rules: Counter[str]) -> None:
    data: dict[str, Any] = json.loads(line)
    statuses[data["status"]] += 1
    for finding in data.get("findings", ()):
        rules[finding["rule"]] += 1
