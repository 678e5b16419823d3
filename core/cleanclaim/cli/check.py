"""``cleanclaim check``: claim files, or a JSONL/CSV batch; flags as ruff users know them.

A claim file that cannot be read is an input error (exit 2, after the other files given
were checked).  In a batch, a record that cannot be read becomes an ``invalid`` result
line and the batch goes on: a clearinghouse would rather hold one claim than a night's
file.  A flag that does not apply to the mode it is given in (``--output`` or
``--workers`` with claim files, a text or JSON output format with ``--batch``) is a
usage error, never ignored.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cleanclaim.cli.args import add_data_dir_argument as add_data_dir_argument  # moved there
from cleanclaim.cli.common import (
    CSV_COLUMNS,
    MAX_CLAIM_BYTES,
    BadClaimJson,
    json_claim,
    statistics_lines,
    summary_lines,
)
from cleanclaim.cli.common import build_engine as build_engine  # (catalog, tests) moved there
from cleanclaim.cli.common import csv_rows as csv_rows  # (tests) moved there
from cleanclaim.cli.errors import EXIT_INPUT, CliInputError, UsageError, report_error
from cleanclaim.cli.inputs import UTF16_BOMS, not_a_file
from cleanclaim.cli.output import render_report
from cleanclaim.cli.plugin_output import checked
from cleanclaim.engine import Engine, InputError
from cleanclaim.formats import FORMATS, FormatError, Origin, detect, located, placed, reader
from cleanclaim.formats.registry import HEAD
from cleanclaim.models import Report, shown

OUTPUT_FORMATS = ("text", "json", "jsonl", "csv", "fhir")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser(
        "check",
        help="check claim files (JSON) or a batch (JSONL or CSV)",
        description="Check claim files, or one batch file.  Exit status: 0 when no claim "
        "fails (see --fail-on), 1 when one does, 2 for bad input or usage.",
    )
    p.add_argument(
        "claim",
        nargs="*",
        metavar="CLAIM.json",
        help="claim files ('-' for standard input): JSON, or any --input-format; a file "
        "of several claims (X12 837P, a FHIR Bundle, JSONL, CSV) gives a report per claim",
    )
    p.add_argument(
        "--batch",
        metavar="CLAIMS.jsonl",
        help="one file of many claims: JSONL, CSV, X12 837P, FHIR Bundle (a report a line)",
    )
    p.add_argument(
        "--input-format",
        choices=FORMATS,
        default=None,
        help="the input's format (default: told from the content): json (one claim), jsonl, "
        "csv (a claim_json column), csv-lines (a service line a row), x12 (837P), fhir",
    )
    p.add_argument("--output", metavar="RESULTS.jsonl", help="batch results (default: stdout)")
    p.add_argument(
        "--workers",
        default=None,
        metavar="N",
        help="batch worker processes, or 'auto' for one per core this process may use",
    )
    p.add_argument(
        "--output-format",
        "--format",
        dest="output_format",
        choices=OUTPUT_FORMATS,
        default=None,
        help="text (default for claim files), json, jsonl (one report per line; the batch "
        "format), csv (one row per finding) or fhir (a FHIR R4 OperationOutcome; a Bundle "
        "of them for several files); --format is the same option",
    )
    p.add_argument(
        "--select",
        metavar="RULES",
        help="comma-separated rule ids, names, globs, groups or plugins to run "
        "(replaces the configuration's select)",
    )
    p.add_argument(
        "--extend-select",
        metavar="RULES",
        help="comma-separated selectors added to the configuration's select",
    )
    p.add_argument(
        "--ignore",
        metavar="RULES",
        help="comma-separated selectors to switch off, added to the configuration's ignore",
    )
    p.add_argument(
        "--statistics", action="store_true", help="print the number of findings per rule"
    )
    p.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when claims fail (2 still means bad input or usage)",
    )
    p.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        help="the status that makes the exit status 1: error (default) or warning",
    )
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only claims with findings, and no summary",
    )
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour text output: auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR "
        "turns it on), always or never",
    )
    p.add_argument("--payer", help="payer id for claims that name none")
    p.add_argument("--config", metavar="FILE", help="cleanclaim.toml or pyproject.toml")
    p.add_argument(
        "--fallback-fy",
        type=int,
        metavar="YEAR",
        help="check claims whose date no dataset serves against fiscal year YEAR "
        "(each report then carries an ENG002 warning)",
    )
    add_data_dir_argument(p)
    p.set_defaults(func=run)


def parse_claim(text: str, origin: str) -> dict[str, Any]:
    """Parse one claim's JSON text (`cleanclaim.cli.common.json_claim`, the batch's path
    too); errors name the origin (the file) and place the fault by line and column."""
    try:
        return json_claim(text)
    except BadClaimJson as exc:
        raise CliInputError(f"{origin}: {exc}") from exc


def run(args: argparse.Namespace) -> int:
    if args.batch and args.claim:
        raise UsageError("check: give claim files or --batch, not both")
    if not args.batch and not args.claim:
        raise UsageError("check: needs claim files or --batch CLAIMS.jsonl")
    if args.batch:
        if args.output_format not in (None, "jsonl", "csv"):
            raise UsageError(
                f"check: --output-format {args.output_format} does not apply to --batch, "
                "which writes one JSON report per line (jsonl, the default) or one CSV row "
                "per finding (csv)"
            )
        args.workers = workers_from(args.workers if args.workers is not None else "1")
        from cleanclaim.cli.batch import run_batch

        status = run_batch(args)
        return 0 if args.exit_zero and status == 1 else status
    for flag, given in (("--output", args.output), ("--workers", args.workers)):
        if given is not None:
            raise UsageError(
                f"check: {flag} applies to --batch only; claim files are written to stdout"
            )
    if args.claim.count("-") > 1:
        raise UsageError("check: standard input ('-') can be read once")
    return _check_files(args)


def failed(status: str, fail_on: str) -> bool:
    """True when a report with ``status`` makes the exit status 1 under ``--fail-on``."""
    return status == "error" or (fail_on == "warning" and status == "warning")


def use_color(choice: str, stream: IO[str]) -> bool:
    """``--color``: ``always``/``never`` as given; ``auto`` colours a terminal unless
    ``NO_COLOR`` is set (no-color.org), and ``FORCE_COLOR`` colours any stream."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _check_files(args: argparse.Namespace) -> int:
    """Check each claim file in turn; a file that cannot be read is reported on stderr
    naming it, the others are still checked, and the exit status is then 2."""
    engine = build_engine(args)
    fmt = args.output_format or "text"
    out = sys.stdout
    color = use_color(args.color, out)
    width = shutil.get_terminal_size().columns if out.isatty() else None
    reports: list[tuple[str, Report]] = []
    bad = 0
    csv_writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if csv_writer is not None:
        csv_writer.writerow(CSV_COLUMNS)
    records = 0  # claims read (a multi-claim file's count as several)
    for name in args.claim:
        origin = "<stdin>" if name == "-" else name
        for label, data, source in _claims_of(name, origin, args):
            records += 1
            try:
                if isinstance(data, CliInputError):
                    raise data
                report = checked(engine.check, data)  # plugin output never quotes the claim
            except InputError as exc:
                bad += 1
                problems = str(exc).split("; ")
                if source is not None:  # a read claim: the place in the file, not the field
                    problems = placed(source.locations, problems)
                report_error(CliInputError(f"{label}: {'; '.join(problems)}"))
                continue
            except CliInputError as exc:
                bad += 1
                report_error(exc)
                continue
            if source is not None:
                report = located(report, source)
            reports.append((label, report))
            many = len(args.claim) > 1 or label != origin
            if fmt == "text":
                if not (args.quiet and not report.findings):
                    if len(reports) > 1 and not args.quiet:
                        out.write("\n")
                    out.write(_text(report, engine, color, width, label, many))
            elif fmt == "jsonl":
                out.write(report.model_dump_json() + "\n")
            elif csv_writer is not None:
                csv_writer.writerows(csv_rows(label, report))
    several = len(args.claim) > 1 or records > 1
    if fmt == "fhir":
        from cleanclaim.formats.fhir_outcome import operation_outcome, outcome_bundle

        if not several and reports:
            out.write(json.dumps(operation_outcome(reports[0][1]), indent=2) + "\n")
        elif several:
            bundle = outcome_bundle(r for _, r in reports)
            out.write(json.dumps(bundle, indent=2) + "\n")
    if fmt == "json":
        if not several and reports:
            out.write(reports[0][1].model_dump_json(indent=2) + "\n")
        elif several:
            body = ",\n".join(r.model_dump_json(indent=2) for _, r in reports)
            out.write(f"[\n{body}\n]\n" if body else "[]\n")
    if args.statistics:
        rules = Counter(f.rule for _, r in reports for f in r.findings)
        for line in statistics_lines(rules, args.rule_names):
            print(line, file=sys.stderr if fmt != "text" else out)
    if several and not args.quiet:
        statuses: Counter[str] = Counter(str(r.status) for _, r in reports)
        statuses["invalid"] = bad
        total = max(records, len(args.claim))
        print(next(iter(summary_lines(statuses, Counter(), total))), file=sys.stderr)
    if bad:
        return EXIT_INPUT
    if args.exit_zero:
        return 0
    return 1 if any(failed(r.status, args.fail_on) for _, r in reports) else 0


#: a claim as ``check FILE`` reads it: the label its report and errors are shown under
#: (the file, or the file and the record's position), the claim (or why it cannot be
#: read), and where it came from (None for a JSON claim file, whose report is unchanged).
ReadRecord = tuple[str, dict[str, Any] | CliInputError, Origin | None]


def _claims_of(name: str, origin: str, args: argparse.Namespace) -> Iterator[ReadRecord]:
    """Every claim of one file given to ``check``, in any input format.

    A JSON claim file is read as it always was (one claim, at most `MAX_CLAIM_BYTES`,
    the same messages); any other format streams through its reader, and a record it
    cannot read comes back as an error naming the file and the record's position.
    """
    fmt = getattr(args, "input_format", None)
    try:
        stream = _open_input(name)
    except CliInputError as exc:
        yield origin, exc, None
        return
    try:
        if fmt is None:
            fmt = _detected(_peek(stream), origin)
        if fmt == "json":  # read as a claim file always was (its size limit, its messages)
            if name != "-":
                stream.close()
            try:
                yield origin, parse_claim(_read_text(name), origin), None
            except CliInputError as exc:
                yield origin, exc, None
            return
        for record in reader(fmt).read(stream, None if name == "-" else name):
            label = f"{origin} {position_label(record.origin)}".rstrip()
            if record.errors or record.claim is None:
                problem = "; ".join(record.errors) or "no claim"
                yield label, CliInputError(f"{label}: {problem}"), None
            else:
                yield label, record.claim, record.origin
    except (FormatError, InputError) as exc:
        text = str(exc)
        yield origin, CliInputError(text if text.startswith(origin) else f"{origin}: {text}"), None
    finally:
        if name != "-":
            stream.close()


def position_label(source: Origin) -> str:
    """Where a record sits in its file, as a message names it: ``segment 20``, ``line 3``,
    ``entry 2`` (empty for a lone JSON claim); a claim whose lines fall on several dates is
    checked per date, and each part is named with its date (``segment 108 (2026-03-09)``)."""
    day = source.ids.get("date_of_service")  # one claim of several dates, per date
    dated = f" ({day})" if day else ""
    if source.segment is not None:
        return f"segment {source.segment}{dated}"
    if source.line is not None:
        return f"line {source.line}{dated}"
    if source.entry is not None:
        return f"entry {source.entry}{dated}"
    return dated.strip()


def _open_input(name: str) -> IO[bytes]:
    if name == "-":
        return sys.stdin.buffer
    path = Path(name)
    if not path.is_file():
        raise CliInputError(f"{name}: {not_a_file(path)}")  # a folder or FIFO says so
    return path.open("rb")


def _peek(stream: IO[bytes]) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return bytes(peek(HEAD)[:HEAD])
    if stream.seekable():
        start = stream.tell()
        head = stream.read(HEAD)
        stream.seek(start)
        return head
    return b""


def _csv_header(first: bytes) -> bool:
    """Whether a first line reads as a CSV header (UTF-8 text with commas, not JSON)."""
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "," in text and "\x00" not in text and not text.lstrip().startswith(("{", "["))


def _detected(head: bytes, origin: str) -> str:
    """The format of a file given to ``check``; what is neither a known format nor shaped
    like a CSV header is read as a JSON claim, so its message stays the JSON parser's
    (``not valid JSON: ... at line 1 column 1``), as before other formats were read."""
    if head.startswith(UTF16_BOMS):
        return "json"  # refused as a claim file always was ("UTF-16 text; save the claim...")
    try:
        return detect(head, origin)
    except FormatError:
        first = head.split(b"\n", 1)[0]
        if _csv_header(first):
            raise
        return "json"


def _text(
    report: Report, engine: Engine, color: bool, width: int | None, origin: str, many: bool
) -> str:
    return render_report(
        report,
        color=color,
        labels=engine.tables.label,
        width=width,
        respect_no_color=False,
        origin=origin if many else None,  # wrapped with the header it is put before
    )


def workers_from(value: str | int) -> int:
    """``--workers``: a count of 1 or more, or ``auto`` for the cores this process may
    run on (its CPU affinity, which cpuset pinning narrows, rather than the machine's)."""
    if value == "auto":
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - macOS and Windows
            return max(1, os.cpu_count() or 1)
    try:
        count = int(value)
    except ValueError:
        raise CliInputError(f"--workers: {shown(str(value))} is not a number or 'auto'") from None
    if count < 1:
        raise CliInputError("--workers must be 1 or more (or 'auto')")
    return count


def _read_text(name: str) -> str:
    too_big = f"{name}: larger than {MAX_CLAIM_BYTES // 1024 // 1024} MB"
    if name == "-":
        # bytes, not text: a binary or UTF-16 stream must give the same clear error as a file
        raw = sys.stdin.buffer.read(MAX_CLAIM_BYTES + 1)
        if len(raw) > MAX_CLAIM_BYTES:
            raise CliInputError(too_big)
        return _decode(raw, "<stdin>")
    path = Path(name)
    if not path.is_file():
        raise CliInputError(f"{name}: {not_a_file(path)}")  # a folder or FIFO says so
    if path.stat().st_size > MAX_CLAIM_BYTES:
        raise CliInputError(too_big)
    return _decode(path.read_bytes(), name)


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CliInputError(f"{name}: UTF-16 text; save the claim as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliInputError(f"{name}: not UTF-8 text (byte {exc.start})") from exc
