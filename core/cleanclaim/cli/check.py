"""``cleanclaim check``: one claim file, or a JSONL batch.

A single claim that cannot be read is an input error (exit 2).  In a batch, a record that
cannot be read becomes an ``invalid`` result line and the batch goes on: a clearinghouse
would rather hold one claim than a night's file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cleanclaim.cli.errors import CliInputError
from cleanclaim.cli.output import render_report
from cleanclaim.cli.plugin_output import building, checked
from cleanclaim.config import Config
from cleanclaim.engine import Engine, InputError
from cleanclaim.models import Report, shown

MAX_CLAIM_BYTES = 10 * 1024 * 1024


def register(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("check", help="check a claim (JSON) or a batch (JSONL)")
    p.add_argument("claim", nargs="?", help="claim JSON file ('-' for standard input)")
    p.add_argument("--batch", metavar="CLAIMS.jsonl", help="one claim per line")
    p.add_argument("--output", metavar="RESULTS.jsonl", help="batch results (default: stdout)")
    p.add_argument(
        "--workers",
        default="1",
        metavar="N",
        help="batch worker processes, or 'auto' for one per core this process may use",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
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


def add_data_dir_argument(p: argparse.ArgumentParser, *, keep_parent: bool = False) -> None:
    """``--data-dir DIR``: every verb that reads datasets takes it.  ``keep_parent`` for a
    sub-verb (``datasets add``), so that its absent flag keeps the parent's value."""
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS if keep_parent else None,
        help="folder of datasets added with `cleanclaim datasets add` (default: data-dir of "
        "the configuration, else $CLEANCLAIM_DATA_DIR, else the user's data directory)",
    )


def load_config(args: argparse.Namespace) -> Config:
    config = Config.load(Path(args.config)) if args.config else Config.discover()
    if getattr(args, "payer", None):
        config = config.model_copy(update={"default_payer": args.payer.strip().lower()})
    if getattr(args, "fallback_fy", None):
        config = config.with_fallback(args.fallback_fy, "--fallback-fy")
    if getattr(args, "data_dir", None):
        config = config.model_copy(update={"data_dir": Path(args.data_dir).expanduser().absolute()})
    return config


def build_engine(args: argparse.Namespace) -> Engine:
    config = load_config(args)
    with building():  # a plugin's print at import goes to stderr: stdout is the report's
        engine = Engine.build(config=config)
    for failure in engine.load_failures:
        print(
            f"cleanclaim: warning: plugin {failure.name} ({failure.distribution} "
            f"{failure.version}) was not loaded: {failure.error}",
            file=sys.stderr,
        )
    for problem in engine.problems:
        print(
            f"cleanclaim: warning: plugin {problem.plugin}: {problem.hook}: {problem.error}",
            file=sys.stderr,
        )
    return engine


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice (``key`` holds it; never shown if long)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for ``json.loads`` that raises :class:`DuplicateKeyError`."""
    # json.loads keeps the last of two equal keys: a claim with "diagnoses" twice would be
    # checked against one list while the vendor's system bills the other.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out


def parse_claim(text: str, origin: str) -> dict[str, Any]:
    """Parse one claim's JSON text; errors name the origin (file, or file:line)."""
    try:
        data = json.loads(text, object_pairs_hook=reject_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise CliInputError(
            f"{origin}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except DuplicateKeyError as exc:
        key = shown(exc.key)
        raise CliInputError(f"{origin}: the key {key} appears twice in one JSON object") from exc
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise CliInputError(f"{origin}: not valid JSON: a number is too long") from exc
    except RecursionError as exc:
        raise CliInputError(f"{origin}: JSON nested too deeply") from exc
    if not isinstance(data, dict):
        raise CliInputError(f"{origin}: a claim must be a JSON object, not {type(data).__name__}")
    return data


def run(args: argparse.Namespace) -> int:
    if args.batch and args.claim:
        raise CliInputError("give either a claim file or --batch, not both")
    if not args.batch and not args.claim:
        raise CliInputError("check needs a claim file or --batch CLAIMS.jsonl")
    args.workers = workers_from(args.workers)
    if args.batch:
        from cleanclaim.cli.batch import run_batch

        return run_batch(args)
    return _check_one(args)


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
        raise CliInputError(f"{name}: no such file")
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


def _check_one(args: argparse.Namespace) -> int:
    origin = "<stdin>" if args.claim == "-" else args.claim
    data = parse_claim(_read_text(args.claim), origin)
    engine = build_engine(args)
    try:
        report = engine.check(data)
    except InputError as exc:
        raise CliInputError(f"{origin}: {exc}") from exc
    write_report(report, args.format, sys.stdout, engine)
    return 1 if report.status == "error" else 0


def write_report(report: Report, fmt: str, out: IO[str], engine: Engine) -> None:
    if fmt == "json":
        out.write(report.model_dump_json(indent=2) + "\n")
    else:
        out.write(render_report(report, color=out.isatty(), labels=engine.tables.label))


def summary_lines(statuses: Counter[str], rules: Counter[str], total: int) -> Iterator[str]:
    parts = ", ".join(f"{statuses[s]} {s}" for s in ("clean", "warning", "error", "invalid"))
    yield f"{total} claims: {parts}"
    if rules:
        top = ", ".join(f"{rule} x{count}" for rule, count in rules.most_common(5))
        yield f"top rules: {top}"
