"""``cleanclaim check --batch``: stream JSONL or CSV claims through the engine.

The contract (docs/guides/batch.md):

* Input is read lazily in chunks of :data:`CHUNK` records and at most
  ``workers * INFLIGHT`` chunks are ever in flight, so memory stays flat however long the
  file is.  Results come out in input order, one JSON report per line, byte-identical to
  ``Engine.check(claim)`` with its ``input`` member set (where the record was read:
  ``{"format": "jsonl", "line": N}``, or for CSV ``{"format": "csv", "line": N, "ids":
  {...}}`` with the row's other columns), dumped with ``model_dump_json()``.  The member
  is spliced into the report's JSON text rather than put on the model and dumped again:
  the report's dump is the hot path's largest cost, and ``input`` is its last field.
* ``--workers N`` runs N worker processes.  On Linux they are forked after the engine is
  built, so each inherits it ready-made; elsewhere (spawn) each builds its own once.
  Workers return each chunk's output already joined, with its status and rule tallies, so
  the parent only writes and adds up (it shares the cores with the workers).
* A record that cannot be read becomes ``{"line": N, "status": "invalid", "errors": [...]}``
  and the batch goes on.  A CSV row's ``invalid`` line carries ``input`` too when the row
  has id columns (the line alone says all a JSONL line's input would).  Exit 1 when any
  record is ``error`` or ``invalid``; 2 only when the batch cannot run at all (usage,
  missing file, bad configuration).
* Every chunk of results is written with one write while SIGINT/SIGTERM are held back, so
  an interrupted batch leaves only whole lines behind; ``--output`` is written beside the
  target and renamed into place (:mod:`cleanclaim.cli.outfile`), and an output that is
  the input is refused.
* A record over :data:`MAX_RECORD_BYTES` is an ``invalid`` line, read in bounded pieces
  and never held whole (JSONL and CSV), so memory stays bounded whatever the file holds.
* Workers are our own processes, one pipe each (:class:`_Pool`): a worker that dies
  (``os._exit``, a segfault in a plugin's native code, the OOM killer) is noticed, started
  again, and its chunk re-checked claim by claim, so the one claim that kills a worker
  gets an ENG001 report naming the rule that was running, and every other claim its own
  report.  Every input record still gets exactly one output line.
* A progress line goes to stderr only when stderr is a terminal; the summary always does.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import IO, Any, ClassVar, Union

from cleanclaim import deadline, interrupts
from cleanclaim.cli.batch_inputs import Read, Record, batch_format, pointed, read_records
from cleanclaim.cli.common import (
    BATCH_CSV_HEAD,
    CSV_COLUMNS,
    MAX_CLAIM_BYTES,
    BadClaimJson,
    Rejected,
    batch_status,
    build_engine,
    csv_rows,
    invalid_row,
    json_claim,
    summary_lines,
)
from cleanclaim.cli.errors import CliInputError
from cleanclaim.cli.fastjson import fast_object
from cleanclaim.cli.inputs import UTF16_BOMS, UTF16_TEXT, not_a_file
from cleanclaim.cli.outfile import AtomicOutput, OutputWriteError, refuse_same_file
from cleanclaim.cli.plugin_output import building, checked
from cleanclaim.config import Config
from cleanclaim.engine import Engine, InputError
from cleanclaim.formats import placed
from cleanclaim.models import InputRef, Report

#: records (JSONL: lines) per unit of work: large enough that the parent's share of the
#: work stays small, small enough that a window of them is some ten megabytes at most.
CHUNK = 1024
#: chunks in flight per worker; bounds memory at ``workers * INFLIGHT * CHUNK`` records.
INFLIGHT = 3
#: a chunk also ends once it holds this many bytes, so that a window of chunks stays some
#: tens of megabytes even when every record is near :data:`MAX_RECORD_BYTES`.
CHUNK_BYTES = 8 * 1024 * 1024
#: the largest record (a JSONL line, a CSV record) a batch checks: the same limit as one
#: claim file for ``check CLAIM.json``, so the two agree.  A longer one is an ``invalid``
#: line; it is read in pieces of this size and dropped, never held whole.
MAX_RECORD_BYTES = MAX_CLAIM_BYTES
#: the CSV column that holds one claim's JSON (see docs/guides/batch.md).
CSV_COLUMN = "claim_json"
#: ``--output-format csv``: the position column and the id columns of each reader's
#: records (by ``--input-format`` name; the ``input`` member's shape in the lead's contract).
#: ``date_of_service`` tells apart the parts of a claim whose lines fall on several dates
#: (checked one claim per date, `cleanclaim.formats.base.by_date`); empty for the others.
FORMAT_POSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "x12": ("segment", ("interchange", "group", "transaction", "date_of_service")),
    "fhir": ("entry", ("claim", "date_of_service")),
    "csv-lines": ("line", ("claim_id", "date_of_service")),
}
#: a CSV cell longer than this is not copied into ``input.ids`` (its length is, instead):
#: ids are account and batch numbers; a notes column pasted beside the claim is not one,
#: and copying it into every result would double the output and echo free text.
MAX_ID_CHARS = 256
_BOM = b"\xef\xbb\xbf"


_TOO_LONG = Rejected((f"record longer than {MAX_RECORD_BYTES:,} bytes: not read",))

#: (result line, status, rule ids, claim id) as checked; a record as read is a
#: `cleanclaim.cli.batch_inputs.Record`.
Result = tuple[str, str, tuple[str, ...], str | None]

#: a unit of work: records (CSV, parsed by the parent) or a block of raw JSONL lines.
Chunk = Union[list[Record], "JsonlBlock"]

_ENGINE: Engine | None = None
#: in a worker: the shared value where it notes when it started its current record
#: (``time.monotonic()``, 0 when idle), so the parent can stop a worker stuck past the limit.
_BEAT: Any = None


# -- checking one record ---------------------------------------------------------------------


def _invalid(
    number: int,
    errors: list[str],
    where: str | None = None,
    csv_out: CsvOutput | None = None,
    report_where: str | None = None,
) -> Result:
    """A record's ``invalid`` result: its JSON line (with ``where`` as its input), or with
    ``csv_out`` its CSV row (with the ids of ``report_where``, which every CSV row has)."""
    if csv_out is not None:
        return csv_out.invalid(number, errors, report_where), "invalid", (), None
    record: dict[str, Any] = {"line": number, "status": "invalid", "errors": errors}
    if where is not None:
        record["input"] = json.loads(where)
    return json.dumps(record), "invalid", (), None


def jsonl_input(number: int) -> str:
    """The ``input`` member of a JSONL batch result, as ``InputRef.model_dump_json()``
    writes it (a test holds the two equal)."""
    return f'{{"format":"jsonl","line":{number}}}'


def with_input(report_json: str, where: str | None) -> str:
    """A report's JSON text with its ``input`` member added: what dumping the report with
    ``input`` set gives, since ``input`` is the report's last field and absent until then
    (a test holds the two equal)."""
    if where is None:
        return report_json
    return f'{report_json[:-1]},"input":{where}}}'


def _parse(raw: bytes | str | Rejected | Read) -> dict[str, Any] | list[str]:
    """A record's claim object, or why it is ``invalid``."""
    if isinstance(raw, Read):  # a format reader's claim (batch_inputs)
        return dict(raw.claim)
    if isinstance(raw, Rejected):
        return list(raw.errors)
    if isinstance(raw, bytes):
        fast = fast_object(raw)  # orjson, when installed and sure of the same answer
        if fast is not None:
            return fast
        # decoded as check FILE decodes a file (_decode): json.loads(bytes) would read
        # UTF-16 and UTF-32 and encoded surrogates that check refuses
        if raw.startswith(UTF16_BOMS):
            return [UTF16_TEXT]
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return [f"not UTF-8 text (byte {exc.start})"]
    try:  # the words check FILE uses (one path: cleanclaim.cli.common.json_claim)
        return json_claim(raw, one_line=True)
    except BadClaimJson as exc:
        return [str(exc)]


def check_record(
    engine: Engine,
    number: int,
    raw: bytes | str | Rejected | Read,
    where: str | None = None,
    invalid_where: str | None = None,
    csv_out: CsvOutput | None = None,
) -> Result:
    """Check one record; never raises for bad input (it becomes an ``invalid`` result).

    ``where`` is the report's ``input`` member as JSON text (None: the report has none),
    ``invalid_where`` the one an ``invalid`` line gets (None: the line alone).  With
    ``csv_out`` the result is CSV rows (``--output-format csv``) instead of a JSON line.
    """
    data = _parse(raw)
    if isinstance(data, list):
        return _invalid(number, data, invalid_where, csv_out, where)
    try:
        report = checked(engine.check, data)  # plugin output never quotes the claim
        if isinstance(raw, Read):  # where each finding sits in the file
            report = pointed(report, raw.locations)
    except InputError as exc:
        problems = str(exc).split("; ")
        if isinstance(raw, Read):  # a read claim: the place in the file, not the field
            problems = placed(raw.locations, problems)
        return _invalid(number, problems, invalid_where, csv_out, where)
    return _checked(report, number, where, csv_out)


def _checked(report: Report, number: int, where: str | None, csv_out: CsvOutput | None) -> Result:
    return (
        with_input(report.model_dump_json(), where)
        if csv_out is None
        else csv_out.report(number, report, where),
        report.status,
        tuple(finding.rule for finding in report.findings),
        report.claim_id,
    )


@dataclass(frozen=True, slots=True)
class CsvOutput:
    """``--output-format csv`` for a batch: `check`'s CSV rows (one per finding, one for a
    claim with none), with the record's position (``line``; an X12 file's ``segment``, a
    FHIR Bundle's ``entry``) and its ids (the input CSV's id columns; X12 control numbers,
    the FHIR Claim's id) after ``file``.  An ``invalid`` record is one row with status
    ``invalid`` and its errors in ``message``.  An id column named like one of ours is
    written as ``input.NAME``."""

    file: str
    id_names: tuple[str, ...] = ()
    position: str = "line"

    @classmethod
    def of(cls, file: str, fmt: str, csv_ids: tuple[str, ...] = ()) -> CsvOutput:
        """The CSV output of a batch of input format ``fmt``."""
        position, ids = FORMAT_POSITIONS.get(fmt, ("line", ()))
        return cls(file, csv_ids if fmt == "csv" else ids, position)

    def columns(self) -> list[str]:
        ours = {*BATCH_CSV_HEAD, self.position, *CSV_COLUMNS}
        ids = [f"input.{name}" if name in ours else name for name in self.id_names]
        return [BATCH_CSV_HEAD[0], self.position, *ids, *CSV_COLUMNS[1:]]

    def header(self) -> bytes:
        return _csv_text([self.columns()]).encode("utf-8") + b"\n"

    def _position(self, number: int, where: str | None) -> list[str]:
        ids: dict[str, str] = json.loads(where).get("ids", {}) if where else {}
        return [str(number), *(ids.get(name, "") for name in self.id_names)]

    def report(self, number: int, report: Report, where: str | None) -> str:
        return _csv_text(csv_rows(self.file, report, self._position(number, where)))

    def invalid(self, number: int, errors: list[str], where: str | None) -> str:
        return _csv_text([invalid_row(self.file, errors, self._position(number, where))])


def _csv_text(rows: list[list[str]]) -> str:
    """Rows as CSV text, without the last row's line end (results are joined by lines)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()[:-1]


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


def check_chunk(engine: Engine, chunk: Chunk, csv_out: CsvOutput | None = None) -> CheckedChunk:
    """Check a chunk of records: the report lines (or ``csv_out``'s rows) in input order,
    and their tallies."""
    lines: list[str] = []
    statuses: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    beat = _BEAT
    with deadline.held():  # one claim's time limit after another, the timer left armed
        for number, raw, where, invalid_where in chunk:
            if beat is not None:
                beat.value = time.monotonic()
            line, status, ids, _claim_id = check_record(
                engine, number, raw, where, invalid_where, csv_out
            )
            lines.append(line)
            statuses[status] += 1
            rules.update(ids)
    count = len(lines)
    lines.append("")  # every line ends with a newline, the last one too
    # Encoded here, in the worker: the parent only writes.
    return CheckedChunk("\n".join(lines).encode("utf-8"), count, dict(statuses), dict(rules))


def _merge(parts: Iterable[CheckedChunk]) -> CheckedChunk:
    """One chunk's results put back together from the results of its records."""
    texts: list[bytes] = []
    statuses: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    count = 0
    for part in parts:
        texts.append(part.text)
        statuses.update(part.statuses)
        rules.update(part.rules)
        count += part.count
    return CheckedChunk(b"".join(texts), count, dict(statuses), dict(rules))


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JsonlBlock:
    """Consecutive raw lines of a JSONL file, from line number ``start``.

    The parent reads a block with one call and ships it whole; the worker numbers the
    lines and drops blank ones.  The parent shares the cores with the workers, so the
    less Python it runs per claim, the closer N workers come to N times one.  A line
    over :data:`MAX_RECORD_BYTES` is ``None`` here: it was skipped while reading.
    """

    start: int
    lines: list[bytes | None]

    def __iter__(self) -> Iterator[Record]:
        for number, line in enumerate(self.lines, start=self.start):
            if line is None:
                yield number, _TOO_LONG, jsonl_input(number), None
                continue
            if number == 1 and line.startswith(_BOM):
                line = line[len(_BOM) :]
            line = line.rstrip()  # so error columns are the same as for the bare record
            if line:
                yield number, line, jsonl_input(number), None


def _skip_line(stream: IO[bytes]) -> tuple[int, bool]:
    """Read the rest of a line in bounded pieces and drop it: the count of ``"`` in it (for
    CSV), and whether anything was left to read."""
    quotes = 0
    read = False
    while piece := stream.readline(MAX_RECORD_BYTES):
        read = True
        quotes += piece.count(b'"')
        if piece.endswith(b"\n"):
            break
    return quotes, read


def _jsonl_blocks(stream: IO[bytes], size: int) -> Iterator[JsonlBlock]:
    start = 1
    lines: list[bytes | None] = []
    held = 0
    while True:
        # Bounded: a line of 300 MB is read 10 MB at a time and dropped, never held.
        line = stream.readline(MAX_RECORD_BYTES + 1)
        if not line:
            break
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            _skip_line(stream)  # more than the limit before its end: drop it unread
            lines.append(None)
        else:
            lines.append(line)
            held += len(line)
        if len(lines) >= size or held >= CHUNK_BYTES:
            yield JsonlBlock(start, lines)
            start += len(lines)
            lines, held = [], 0
    if lines:
        yield JsonlBlock(start, lines)


class _OversizedRecord(Exception):
    """Raised through the CSV reader when a record passes :data:`MAX_RECORD_BYTES`."""


class _CsvLines:
    """The physical lines of a CSV file for :mod:`csv`, read with a bounded ``readline``.

    ``csv.reader`` asks for one line at a time and stops at the end of a record, so
    :meth:`mark` before each record lets this count the record's bytes and refuse it once
    it passes the limit: the rest of the record is skipped (up to a line end outside
    quotes: an even count of ``"`` since the record began) and reading starts over with a
    fresh reader.  Lines are decoded strictly; a record with bytes that are not UTF-8 is
    marked, so it becomes ``invalid`` instead of being checked with replaced characters
    (which once turned a ``medicare`` claim into a commercial one).
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.line = 0  # physical lines consumed
        self.first = True
        self.mark()

    def mark(self) -> None:
        self.start = self.line + 1
        self.size = 0
        self.quotes = 0
        self.bad_utf8: int | None = None

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        raw = self.stream.readline(MAX_RECORD_BYTES + 1)
        if not raw:
            raise StopIteration
        self.line += 1
        self.size += len(raw)
        self.quotes += raw.count(b'"')
        if self.size > MAX_RECORD_BYTES:
            if not raw.endswith(b"\n"):
                self.quotes += _skip_line(self.stream)[0]
            while self.quotes % 2:  # inside a quoted cell: the record goes on
                quotes, read = _skip_line(self.stream)
                if not read:
                    break
                self.line += 1
                self.quotes += quotes
            raise _OversizedRecord
        if self.first:
            self.first = False
            if raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if self.bad_utf8 is None:
                self.bad_utf8 = exc.start
            return raw.decode("utf-8", "replace")


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    # The csv module's field limit is process-wide: raise it for this reader only and put
    # it back, so no other reader (the NCCI files, a vendor's own code) inherits it.
    previous = csv.field_size_limit(MAX_RECORD_BYTES + 1)  # never reached: _CsvLines refuses
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_records(stream: IO[bytes], origin: str) -> Iterator[Record]:
    with _csv_field_limit():
        yield from _csv_rows(stream, origin)


IdColumns = tuple[tuple[int, str], ...]


def _csv_header(reader: Iterator[list[str]], origin: str) -> tuple[int, IdColumns] | None:
    """The ``claim_json`` column's index and the id columns (index, name) of a CSV batch,
    from its header row; None for an empty file."""
    try:
        header = next(reader, None)
    except (_OversizedRecord, csv.Error):
        raise CliInputError(f"{origin}: line 1: the CSV header cannot be read") from None
    if header is None:
        return None
    names = [h.strip() for h in header]
    if CSV_COLUMN not in names:
        raise CliInputError(f"{origin}: line 1: CSV header has no {CSV_COLUMN!r} column")
    column = names.index(CSV_COLUMN)
    seen: set[str] = set()
    ids: list[tuple[int, str]] = []
    for index, name in enumerate(names):  # a nameless column, a name given twice: left out
        if index != column and name and name not in seen:
            seen.add(name)
            ids.append((index, name))
    return column, tuple(ids)


def csv_id_names(path: Path, origin: str) -> tuple[str, ...]:
    """The id columns of a CSV batch (every other named column, header order), read from
    its header alone: the columns ``--output-format csv`` writes them in."""
    with path.open("rb") as stream, _csv_field_limit():
        found = _csv_header(csv.reader(_CsvLines(stream)), origin)
    return tuple(name for _index, name in found[1]) if found else ()


def _csv_rows(stream: IO[bytes], origin: str) -> Iterator[Record]:
    lines = _CsvLines(stream)
    reader = csv.reader(lines)
    found = _csv_header(reader, origin)
    if found is None:
        return
    column, id_columns = found
    while True:
        lines.mark()
        number = lines.start
        try:
            row = next(reader)
        except StopIteration:
            return
        except _OversizedRecord:
            reader = csv.reader(lines)  # a fresh reader: the old one is mid-record
            yield number, _TOO_LONG, None, None
            continue
        except csv.Error as exc:
            reader = csv.reader(lines)
            yield number, Rejected((f"not a CSV record: {exc}",)), None, None
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        where, invalid_where = csv_input(number, id_columns, row)
        if lines.bad_utf8 is not None:
            bad = Rejected((f"not UTF-8 text (byte {lines.bad_utf8} of the line)",))
            yield number, bad, where, invalid_where
        elif column >= len(row):
            yield number, Rejected((f"no {CSV_COLUMN} cell in this row",)), where, invalid_where
        else:
            yield number, row[column], where, invalid_where


def csv_input(number: int, id_columns: IdColumns, row: list[str]) -> tuple[str, str | None]:
    """A CSV row's ``input`` member as JSON text, for its report and for its ``invalid``
    line (None when the row has no id cells: its line then says it all).

    ``ids`` holds the row's cell of each id column (every other named column of the
    header, in its order; a column named twice keeps its first) as written less
    surrounding spaces; a cell past the row's end is left out, and a cell longer than
    :data:`MAX_ID_CHARS` is replaced by its length.
    """
    ids: dict[str, str] = {}
    for index, name in id_columns:
        if index >= len(row):
            continue
        cell = row[index].strip()
        ids[name] = (
            cell if len(cell) <= MAX_ID_CHARS else f"(a value of {len(cell)} characters, not shown)"
        )
    where = InputRef(format="csv", line=number, ids=ids).model_dump_json()
    return where, where if ids else None


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    held = 0
    for record in records:
        chunk.append(record)
        raw = record[1]
        held += len(raw) if isinstance(raw, str) else 0
        if len(chunk) == size or held >= CHUNK_BYTES:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


# -- checking many ---------------------------------------------------------------------------


def _serial(
    engine: Engine, chunks: Iterator[Chunk], csv_out: CsvOutput | None = None
) -> Iterator[CheckedChunk]:
    for chunk in chunks:
        yield check_chunk(engine, chunk, csv_out)


#: bytes of the shared slot where a worker re-checking one claim names the running rule.
_SLOT = 256


def _worker_main(
    conn: Connection, config: Config, slot: Any, beat: Any, csv_out: CsvOutput | None = None
) -> None:
    """A worker: check the chunks sent down ``conn`` until told to stop or orphaned.

    It never prints: a parent stopped by its PID closes the pipe, and the worker leaves
    quietly (EOF, or a broken pipe on sending) instead of with a traceback.
    """
    # The parent decides when the batch stops; a worker killed by the terminal's Ctrl-C
    # would turn a clean interrupt into lost chunks.  SIGTERM keeps its default: the
    # parent uses it to end workers, which then die without a word.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    try:
        global _ENGINE, _BEAT
        _BEAT = beat
        if _ENGINE is None:  # spawn start method: nothing inherited, build once here
            with building():  # a plugin's print at import must not reach the output
                _ENGINE = Engine.build(config=config)  # the parent's resolved configuration
        engine = _ENGINE
        from cleanclaim import engine as engine_module

        def watch(source: str, rule_id: str) -> None:
            slot.value = f"{source}\t{rule_id}".encode("utf-8", "replace")[: _SLOT - 1]

        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            if job is None:
                return
            seq, index, records = job
            # Re-checking one claim after a death: name each rule as it starts, so the
            # parent can say which one was running if this worker dies too.
            engine_module.RULE_WATCH = watch if index is not None else None
            result = check_chunk(engine, records, csv_out)
            engine_module.RULE_WATCH = None
            slot.value = b""
            beat.value = 0.0
            conn.send((seq, index, result))
    except BaseException:
        os._exit(70)


def _die_with_parent() -> None:
    """Linux: this worker gets SIGKILL when the parent dies, even killed outright (``kill
    -9``), so a worker stuck in a rule never outlives its batch."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the call
            os._exit(70)


def overrun_after(limit: float) -> float:
    """Seconds after which the parent stops a worker still on one claim: twice the claim's
    time limit and one more, well after the worker's own interruption (ENG001 at the
    limit) should have come, so only a rule that cannot be interrupted gets there."""
    return 2 * limit + 1


@dataclass
class _Job:
    """A unit of work: a whole chunk (``index`` None) or one record of chunk ``seq``."""

    seq: int
    index: int | None
    records: Chunk


@dataclass
class _Worker:
    process: Any
    conn: Connection
    slot: Any
    beat: Any
    job: _Job | None = None
    #: stopped by the parent: its claim ran past :func:`overrun_after`.
    overran: bool = False


@dataclass
class _Pool:
    """N worker processes, each fed one job at a time down its own pipe.

    The parent knows which job each worker holds, so a worker's death (its process
    sentinel fires, or its pipe ends) is never a lost task: the worker is started again
    and the job re-checked record by record; a record whose worker dies again gets an
    ENG001 report (:func:`_lost_claim`).  Results are put back in input order.
    """

    ctx: BaseContext
    engine: Engine
    size: int
    csv_out: CsvOutput | None = None
    workers: list[_Worker] = field(default_factory=list)

    def start(self) -> None:
        self.workers = [self._spawn() for _ in range(self.size)]

    def _spawn(self) -> _Worker:
        parent_end, child_end = self.ctx.Pipe()
        slot = self.ctx.Array("c", _SLOT, lock=False)
        beat = self.ctx.Value("d", 0.0, lock=False)
        process = self.ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main,
            args=(child_end, self.engine.config, slot, beat, self.csv_out),
            daemon=True,
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end, slot, beat)

    def _replace(self, slot: int) -> _Worker:
        worker = self.workers[slot]
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        self.workers[slot] = fresh = self._spawn()
        return fresh

    def run(self, chunks: Iterator[Chunk]) -> Iterator[CheckedChunk]:
        limit = self.size * INFLIGHT
        results: dict[int, CheckedChunk] = {}
        splits: dict[int, list[CheckedChunk | None]] = {}
        jobs: deque[_Job] = deque()
        read = emitted = 0
        exhausted = False
        while True:
            while not exhausted and read - emitted < limit:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                jobs.append(_Job(read, None, chunk))
                read += 1
            for slot, worker in enumerate(self.workers):
                if worker.job is None and jobs:
                    if not worker.process.is_alive():  # died between jobs: nothing lost
                        worker = self._replace(slot)
                    self._send(worker, jobs.popleft())
            while emitted in results:
                yield results.pop(emitted)
                emitted += 1
            if exhausted and emitted == read:
                return
            busy = [w for w in self.workers if w.job is not None]
            if not busy:
                continue
            handles: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
            ready = set(wait(handles, timeout=self._stop_overruns(busy)))
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    self._collect(worker, results, splits, jobs)

    def _stop_overruns(self, busy: list[_Worker]) -> float | None:
        """Kill each busy worker whose claim has run past :func:`overrun_after` (its death
        is then handled like any other), and return how long to wait for the next one
        that could (None: no time limit)."""
        limit = self.engine.config.time_limit
        if not limit:
            return None
        allowed = overrun_after(limit)
        now = time.monotonic()
        wake = allowed
        for worker in busy:
            started = worker.beat.value
            if not started or worker.overran:
                continue
            left = started + allowed - now
            if left <= 0:
                worker.overran = True
                worker.process.kill()
            else:
                wake = min(wake, left)
        return max(wake, 0.05)

    def _send(self, worker: _Worker, job: _Job) -> None:
        worker.job = job
        # If it died, its sentinel says so in the next wait and the job is re-checked.
        with contextlib.suppress(OSError, ValueError):
            worker.conn.send((job.seq, job.index, job.records))

    def _collect(
        self,
        worker: _Worker,
        results: dict[int, CheckedChunk],
        splits: dict[int, list[CheckedChunk | None]],
        jobs: deque[_Job],
    ) -> None:
        job = worker.job
        assert job is not None
        ended = False
        try:
            if worker.conn.poll():
                _seq, _index, checked = worker.conn.recv()
                worker.job = None
                _done(job, checked, results, splits)
                return
        except Exception:
            ended = True
        if not ended and worker.process.is_alive():
            return  # woken for nothing
        running = bytes(worker.slot.value).decode("utf-8", "replace")
        worker.process.join(timeout=5)
        why = _death(worker.process.exitcode)
        if worker.overran:
            limit = self.engine.config.time_limit
            why = (
                f"stopped after {overrun_after(limit):g} s on the claim: the claim's time limit "
                f"is {limit:g} s (time-limit in the configuration)"
            )
        self._replace(self.workers.index(worker))
        if job.index is None:  # which claim killed it? each on its own, in order
            records = list(job.records)
            if not records:
                results[job.seq] = _merge(())
                return
            splits[job.seq] = [None] * len(records)
            for index in reversed(range(len(records))):
                jobs.appendleft(_Job(job.seq, index, [records[index]]))
        else:
            record = next(iter(job.records))
            lost = _lost_claim(self.engine, record, why, running, self.csv_out)
            _done(job, check_chunk_of(lost), results, splits)


def _done(
    job: _Job,
    checked: CheckedChunk,
    results: dict[int, CheckedChunk],
    splits: dict[int, list[CheckedChunk | None]],
) -> None:
    if job.index is None:
        results[job.seq] = checked
        return
    parts = splits[job.seq]
    parts[job.index] = checked
    if all(part is not None for part in parts):
        results[job.seq] = _merge(part for part in parts if part is not None)
        del splits[job.seq]


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def check_chunk_of(result: Result) -> CheckedChunk:
    line, status, ids, _claim_id = result
    return CheckedChunk((line + "\n").encode("utf-8"), 1, {status: 1}, dict(Counter(ids)))


def _lost_claim(
    engine: Engine, record: Record, why: str, running: str, csv_out: CsvOutput | None = None
) -> Result:
    """The report of a claim whose worker died while checking it (twice: once in its
    chunk, once alone): an ENG001 error naming the rule that was running, if any.

    Only kernel code runs here (parsing, validation, the dataset for the date): the
    claim gets the report line of its own, in its place, like any other."""
    number, raw, where, invalid_where = record
    data = _parse(raw)
    if isinstance(data, list):
        return _invalid(number, data, invalid_where, csv_out, where)
    from cleanclaim.engine import lost_claim_report

    source, _, rule_id = running.partition("\t")
    try:
        report = lost_claim_report(engine, data, why, source or None, rule_id or None)
    except InputError as exc:
        return _invalid(number, str(exc).split("; "), invalid_where, csv_out, where)
    return _checked(report, number, where, csv_out)


def _parallel(
    engine: Engine, chunks: Iterator[Chunk], workers: int, csv_out: CsvOutput | None = None
) -> Iterator[CheckedChunk]:
    global _ENGINE
    fork = sys.platform.startswith("linux")
    ctx = get_context("fork" if fork else "spawn")
    if fork:
        # inherited by the forked workers: built once, in the parent, and frozen there
        # when its build ended (collector.start_over), so the workers share its pages
        _ENGINE = engine
    pool = _Pool(ctx, engine, workers, csv_out)
    try:
        pool.start()
        yield from pool.run(chunks)
        for worker in pool.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in pool.workers:
            worker.process.join(timeout=5)
    finally:
        for worker in pool.workers:  # SIGTERM: the worker's default, silent action
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in pool.workers:
            worker.process.join()
            worker.conn.close()
        _ENGINE = None


# -- writing ---------------------------------------------------------------------------------


class _Writer:
    """Writes whole chunks of lines with termination signals held back meanwhile."""

    _held: ClassVar[frozenset[signal.Signals]] = frozenset({signal.SIGINT, signal.SIGTERM})

    def __init__(self, out: AtomicOutput | IO[bytes], name: str) -> None:
        self.out = out
        self.name = name
        self.can_mask = hasattr(signal, "pthread_sigmask")

    def write(self, data: bytes) -> None:
        if self.can_mask:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, self._held)
            try:
                self._write(data)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
        else:  # pragma: no cover - Windows
            self._write(data)

    def _write(self, data: bytes) -> None:
        if isinstance(self.out, AtomicOutput):
            self.out.write(data)
            return
        try:
            self.out.write(data)
            self.out.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputWriteError(
                f"{self.name}: cannot write the results: {exc.strerror or exc}"
            ) from None


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


#: exit status of a batch stopped by SIGTERM (128 + 15, as a shell reports it).
EXIT_TERMINATED = 143


def run_batch(args: argparse.Namespace) -> int:
    """Run ``check --batch``; returns the exit status (0 clean, 1 errors or invalid).

    SIGTERM is turned into :class:`cleanclaim.interrupts.Terminated` for the length of
    the batch, so that stopping it by its PID ends the workers quietly and leaves the
    whole lines written so far in place (exit 143), as Ctrl-C does (exit 130).
    """

    source = Path(args.batch)
    if not source.is_file():
        raise CliInputError(f"{args.batch}: {not_a_file(source)}")  # a folder or FIFO says so
    with source.open("rb") as head:  # as check refuses a UTF-16 claim file
        if head.read(2).startswith(UTF16_BOMS):
            raise CliInputError(f"{args.batch}: UTF-16 text; save the claims as UTF-8")
    if args.output:
        refuse_same_file(source, args.output)
    restore = interrupts.install(sigterm=True)
    try:
        return _run_batch(args, source, build_engine, summary_lines)
    except interrupts.Terminated:
        print("cleanclaim: stopped (SIGTERM)", file=sys.stderr)
        return EXIT_TERMINATED
    finally:
        restore()


def _run_batch(
    args: argparse.Namespace, source: Path, build_engine: Any, summary_lines: Any
) -> int:
    engine = build_engine(args)  # fails fast on bad configuration, before any output
    fmt = batch_format(source, getattr(args, "input_format", None))
    as_csv = fmt == "csv"
    csv_out = (
        CsvOutput.of(args.batch, fmt, csv_id_names(source, args.batch) if as_csv else ())
        if args.output_format == "csv"
        else None
    )
    statuses: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    total = 0
    show_progress = sys.stderr.isatty()
    out = AtomicOutput(args.output) if args.output else None
    # signals_win: a signal that library code turned into its own error is the signal,
    # so the output keeps its whole lines as after any Ctrl-C or SIGTERM
    with out if out is not None else _nothing(), interrupts.signals_win():
        writer = _Writer(out if out is not None else sys.stdout.buffer, args.output or "<stdout>")
        with source.open("rb") as stream:
            progress = _Progress(stream, source.stat().st_size) if show_progress else None
            chunks: Iterator[Chunk]
            if fmt == "jsonl":
                chunks = _jsonl_blocks(stream, CHUNK)
            elif as_csv:
                chunks = _chunks(_csv_records(stream, args.batch), CHUNK)
            else:  # X12 837P, FHIR, flat CSV: read here, checked by the workers
                chunks = _chunks(read_records(stream, args.batch, fmt), CHUNK)
            if csv_out is not None:
                writer.write(csv_out.header())
            results = (
                _parallel(engine, chunks, args.workers, csv_out)
                if args.workers > 1
                else _serial(engine, chunks, csv_out)
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
    for text in summary_lines(statuses, rules, total, args):
        print(text, file=sys.stderr)
    return batch_status(statuses, args)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
