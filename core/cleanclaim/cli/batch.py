"""``cleanclaim check --batch``: stream JSONL or CSV claims through the engine.

The contract (docs/guides/batch.md):

* Input is read lazily in chunks of :data:`CHUNK` records and at most
  ``workers * INFLIGHT`` chunks are ever in flight, so memory stays flat however long the
  file is.  Results come out in input order, one JSON report per line, byte-identical to
  ``Engine.check(claim).model_dump_json()`` for the same claim.
* ``--workers N`` runs N worker processes.  On Linux they are forked after the engine is
  built, so each inherits it ready-made; elsewhere (spawn) each builds its own once.
  Workers return each chunk's output already joined, with its status and rule tallies, so
  the parent only writes and adds up (it shares the cores with the workers).
* A record that cannot be read becomes ``{"line": N, "status": "invalid", "errors": [...]}``
  and the batch goes on.  Exit 1 when any record is ``error`` or ``invalid``; 2 only when
  the batch cannot run at all (usage, missing file, bad configuration).
* Every chunk of results is written with one write while SIGINT/SIGTERM are held back, so
  an interrupted batch leaves only whole lines behind.
* A progress line goes to stderr only when stderr is a terminal; the summary always does.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_context
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import IO, Any, ClassVar, Union

from cleanclaim.cli.check import DuplicateKeyError, reject_duplicate_keys
from cleanclaim.cli.errors import CliInputError
from cleanclaim.config import Config
from cleanclaim.engine import Engine, InputError
from cleanclaim.models import shown

#: records (JSONL: lines) per unit of work: large enough that the parent's share of the
#: work stays small, small enough that a window of them is some ten megabytes at most.
CHUNK = 1024
#: chunks in flight per worker; bounds memory at ``workers * INFLIGHT * CHUNK`` records.
INFLIGHT = 3
#: the CSV column that holds one claim's JSON (see docs/guides/batch.md).
CSV_COLUMN = "claim_json"
_BOM = b"\xef\xbb\xbf"

#: (line number, raw record) as read; (result line, status, rule ids, claim id) as checked.
Record = tuple[int, bytes | str]
Result = tuple[str, str, tuple[str, ...], str | None]

#: a unit of work: records (CSV, parsed by the parent) or a block of raw JSONL lines.
Chunk = Union[list[Record], "JsonlBlock"]

_ENGINE: Engine | None = None


# -- checking one record ---------------------------------------------------------------------


def _invalid(number: int, errors: list[str]) -> Result:
    line = json.dumps({"line": number, "status": "invalid", "errors": errors})
    return line, "invalid", (), None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``check FILE``'s duplicate-key refusal, with a fast path for the usual case.

    ``json.loads`` keeps the last of two equal keys; a claim with ``diagnoses`` twice
    must be refused in a batch exactly as it is one at a time.
    """
    data = dict(pairs)
    if len(data) != len(pairs):
        return reject_duplicate_keys(pairs)  # raises DuplicateKeyError naming the key
    return data


def check_record(engine: Engine, number: int, raw: bytes | str) -> Result:
    """Check one record; never raises for bad input (it becomes an ``invalid`` result)."""
    try:
        data = json.loads(raw, object_pairs_hook=_unique_keys)
    except DuplicateKeyError as exc:
        return _invalid(number, [f"the key {shown(exc.key)} appears twice in one JSON object"])
    except json.JSONDecodeError as exc:
        return _invalid(number, [f"not valid JSON: {exc.msg} at column {exc.colno}"])
    except UnicodeDecodeError as exc:
        return _invalid(number, [f"not UTF-8 text (byte {exc.start})"])
    except RecursionError:
        return _invalid(number, ["JSON nested too deeply"])
    except ValueError:  # an integer longer than Python converts (4300 digits)
        return _invalid(number, ["not valid JSON: a number is too long"])
    if not isinstance(data, dict):
        return _invalid(number, [f"a claim must be a JSON object, not {type(data).__name__}"])
    try:
        report = engine.check(data)
    except InputError as exc:
        return _invalid(number, str(exc).split("; "))
    return (
        report.model_dump_json(),
        report.status,
        tuple(finding.rule for finding in report.findings),
        report.claim_id,
    )


@dataclass(frozen=True, slots=True)
class CheckedChunk:
    """A chunk's results as the parent needs them: the output text, already joined, and
    the tallies for the summary.  One string and two small dicts cross the process
    boundary instead of a tuple per claim, which keeps the parent (reading, writing)
    from becoming the bottleneck when every core runs a worker."""

    text: bytes
    count: int
    statuses: dict[str, int]
    rules: dict[str, int]


def check_chunk(engine: Engine, chunk: Chunk) -> CheckedChunk:
    """Check a chunk of records: the report lines in input order, and their tallies."""
    lines: list[str] = []
    statuses: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for number, raw in chunk:
        line, status, ids, _claim_id = check_record(engine, number, raw)
        lines.append(line)
        statuses[status] += 1
        rules.update(ids)
    count = len(lines)
    lines.append("")  # every line ends with a newline, the last one too
    # Encoded here, in the worker: the parent only writes.
    return CheckedChunk("\n".join(lines).encode("utf-8"), count, dict(statuses), dict(rules))


def _check_chunk(chunk: Chunk) -> CheckedChunk:
    """Worker entry point: check a chunk with this process's engine."""
    engine = _ENGINE
    assert engine is not None, "worker started without an engine"
    return check_chunk(engine, chunk)


def _init_worker(config: Config) -> None:
    # The parent decides when the batch stops; a worker killed by the terminal's Ctrl-C
    # would turn a clean interrupt into a BrokenProcessPool traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _ENGINE
    if _ENGINE is None:  # spawn start method: nothing inherited, build once here
        _ENGINE = Engine.build(config=config)  # the parent's resolved configuration


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JsonlBlock:
    """Consecutive raw lines of a JSONL file, from line number ``start``.

    The parent reads a block with one call and ships it whole; the worker numbers the
    lines and drops blank ones.  The parent shares the cores with the workers, so the
    less Python it runs per claim, the closer N workers come to N times one.
    """

    start: int
    lines: list[bytes]

    def __iter__(self) -> Iterator[Record]:
        for number, line in enumerate(self.lines, start=self.start):
            if number == 1 and line.startswith(_BOM):
                line = line[len(_BOM) :]
            line = line.rstrip()  # so error columns are the same as for the bare record
            if line:
                yield number, line


def _jsonl_blocks(stream: IO[bytes], size: int) -> Iterator[JsonlBlock]:
    start = 1
    while lines := list(islice(stream, size)):
        yield JsonlBlock(start, lines)
        start += len(lines)


def _csv_records(stream: IO[bytes], origin: str) -> Iterator[Record]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    csv.field_size_limit(16 * 1024 * 1024)
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        return
    names = [h.strip() for h in header]
    if CSV_COLUMN not in names:
        raise CliInputError(f"{origin}: line 1: CSV header has no {CSV_COLUMN!r} column")
    column = names.index(CSV_COLUMN)
    start = reader.line_num + 1
    for row in reader:
        number, start = start, reader.line_num + 1
        if not row or not any(cell.strip() for cell in row):
            continue
        if column >= len(row):
            yield number, f"missing {CSV_COLUMN} cell"  # not JSON: reported as invalid
            continue
        yield number, row[column]


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _is_csv(path: Path, fmt: str | None) -> bool:
    if fmt:
        return fmt == "csv"
    return path.suffix.lower() == ".csv"


# -- checking many ---------------------------------------------------------------------------


def _serial(engine: Engine, chunks: Iterator[Chunk]) -> Iterator[CheckedChunk]:
    for chunk in chunks:
        yield check_chunk(engine, chunk)


def _parallel(
    engine: Engine, chunks: Iterator[Chunk], args: argparse.Namespace
) -> Iterator[CheckedChunk]:
    global _ENGINE
    fork = sys.platform.startswith("linux")
    ctx = get_context("fork" if fork else "spawn")
    if fork:
        _ENGINE = engine  # inherited by the forked workers: built once, in the parent
    pool: Pool = ctx.Pool(args.workers, initializer=_init_worker, initargs=(engine.config,))
    try:
        pending: deque[AsyncResult[CheckedChunk]] = deque()
        limit = args.workers * INFLIGHT
        for chunk in chunks:
            pending.append(pool.apply_async(_check_chunk, (chunk,)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _ENGINE = None


# -- writing ---------------------------------------------------------------------------------


class _Writer:
    """Writes whole chunks of lines with termination signals held back meanwhile."""

    _held: ClassVar[frozenset[signal.Signals]] = frozenset({signal.SIGINT, signal.SIGTERM})

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.can_mask = hasattr(signal, "pthread_sigmask")

    def write(self, data: bytes) -> None:
        if self.can_mask:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, self._held)
            try:
                self.out.write(data)
                self.out.flush()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
        else:  # pragma: no cover - Windows
            self.out.write(data)
            self.out.flush()


class _Progress:
    """``[#####.....] 45%  N claims, R/s`` on one terminal line, redrawn at most five
    times a second (the bar and percentage only when the input's size is known)."""

    WIDTH = 24

    def __init__(self, stream: IO[bytes] | None, size: int) -> None:
        self.stream = stream
        self.size = size
        self.started = self.last = time.monotonic()

    def update(self, total: int, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < 0.2:
            return
        self.last = now
        rate = total / max(now - self.started, 1e-9)
        print(
            f"\r{self._bar(final)}{total:,} claims checked, {rate:,.0f}/s  ",
            end="\n" if final else "",
            file=sys.stderr,
            flush=True,
        )

    def _bar(self, final: bool) -> str:
        if self.stream is None or not self.size:
            return ""
        try:
            done = 1.0 if final else min(1.0, self.stream.tell() / self.size)
        except (OSError, ValueError):
            return ""
        filled = round(done * self.WIDTH)
        return f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done:4.0%}  "


def run_batch(args: argparse.Namespace) -> int:
    """Run ``check --batch``; returns the exit status (0 clean, 1 errors or invalid)."""
    from cleanclaim.cli.check import build_engine, summary_lines

    source = Path(args.batch)
    if not source.is_file():
        raise CliInputError(f"{args.batch}: no such file")
    engine = build_engine(args)  # fails fast on bad configuration, before any output
    as_csv = _is_csv(source, getattr(args, "input_format", None))
    statuses: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    total = 0
    show_progress = sys.stderr.isatty()
    out: IO[bytes] = open(args.output, "wb") if args.output else sys.stdout.buffer  # noqa: SIM115
    try:
        writer = _Writer(out)
        with source.open("rb") as stream:
            progress = _Progress(stream, source.stat().st_size) if show_progress else None
            chunks: Iterator[Chunk] = (
                _chunks(_csv_records(stream, args.batch), CHUNK)
                if as_csv
                else _jsonl_blocks(stream, CHUNK)
            )
            results = (
                _parallel(engine, chunks, args) if args.workers > 1 else _serial(engine, chunks)
            )
            for checked in results:
                writer.write(checked.text)
                statuses.update(checked.statuses)
                rules.update(checked.rules)
                total += checked.count
                if progress is not None:
                    progress.update(total)
            if progress is not None:
                progress.update(total, final=True)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    for text in summary_lines(statuses, rules, total):
        print(text, file=sys.stderr)
    return 1 if statuses["error"] or statuses["invalid"] else 0
