"""What ``check FILE`` and ``check --batch`` share: the engine they build, the JSON claim
they parse, the CSV columns and summary they write, the record a batch rejects.

Both modes import this module and neither imports the other's internals (``check`` only
hands ``--batch`` over to `cleanclaim.cli.batch.run_batch`), so no import runs in a
circle.  A claim's JSON is parsed by one function, `json_claim`, in both modes: a record
of a batch and a claim file get the same words for the same fault (the same duplicate
key, the same number too long, the same nesting), and differ only in how they place it (a
file by line and column, a JSONL record, which is one line, by column).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanclaim import collector
from cleanclaim.cli.inputs import key_shown, number_too_long
from cleanclaim.cli.plugin_output import building
from cleanclaim.config import Config
from cleanclaim.engine import Engine
from cleanclaim.models import Report

#: the largest claim file ``check`` reads, and the largest batch record: the two agree.
MAX_CLAIM_BYTES = 10 * 1024 * 1024

#: the columns of ``--output-format csv``: one row per finding (a claim without findings
#: gets one row with the rule columns empty, so every claim checked is in the sheet).
CSV_COLUMNS = (
    "file",
    "claim_id",
    "status",
    "rule",
    "severity",
    "source",
    "location",
    "input_location",
    "codes",
    "suggestions",
    "message",
    "reference",
)
#: ``--batch --output-format csv`` puts the record's ``line`` after ``file``, and then the
#: input CSV's own id columns (docs/guides/batch.md), before the rest of `CSV_COLUMNS`.
BATCH_CSV_HEAD = ("file", "line")


# -- the engine ------------------------------------------------------------------------------


def load_config(args: argparse.Namespace) -> Config:
    """The configuration (``--config``, else the one discovered) with the command line's
    ``--payer``, ``--fallback-fy``, ``--data-dir`` and rule selectors applied."""
    config = Config.load(Path(args.config)) if args.config else Config.discover()
    if getattr(args, "payer", None):
        config = config.model_copy(update={"default_payer": args.payer.strip().lower()})
    if getattr(args, "fallback_fy", None):
        config = config.with_fallback(args.fallback_fy, "--fallback-fy")
    if getattr(args, "data_dir", None):
        config = config.model_copy(update={"data_dir": Path(args.data_dir).expanduser().absolute()})
    return _with_selectors(config, args)


def _selectors(value: str | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in (value or "").split(",") if s.strip())


def _with_selectors(config: Config, args: argparse.Namespace) -> Config:
    """``--select``, ``--extend-select`` and ``--ignore`` applied over the configuration,
    as ruff applies its own: select replaces, extend-select and ignore add."""
    select = _selectors(getattr(args, "select", None))
    extend = _selectors(getattr(args, "extend_select", None))
    ignore = _selectors(getattr(args, "ignore", None))
    if not (select or extend or ignore):
        return config
    chosen = select or config.select
    if extend and chosen:  # an empty select runs every rule already
        chosen = (*chosen, *extend)
    origin = config.origin
    updated = config.model_copy(update={"select": chosen, "ignore": (*config.ignore, *ignore)})
    where = "the command line" if origin == "configuration" else f"{origin} or the command line"
    return updated.with_origin(where)


def build_engine(args: argparse.Namespace) -> Engine:
    """The engine both modes check with; plugins that failed to load, and build problems,
    are warnings on stderr (stdout is the report's)."""
    config = load_config(args)
    with building():  # a plugin's print at import goes to stderr: stdout is the report's
        engine = Engine.build(config=config)
    collector.start_over()  # claims are checked with the collector on, start frozen
    # for the batch summary's --statistics, which sees only the tallies
    args.rule_names = {rule_id: reg.rule.name for rule_id, reg in engine.rules.items()}
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


# -- a claim's JSON: one path for a claim file and a batch record ------------------------------


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice (``key`` holds it; never shown if long)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for ``json.loads`` that raises `DuplicateKeyError`."""
    # json.loads keeps the last of two equal keys: a claim with "diagnoses" twice would be
    # checked against one list while the vendor's system bills the other.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`reject_duplicate_keys`, with a fast path for the usual case (no key twice)."""
    data = dict(pairs)
    if len(data) != len(pairs):
        return reject_duplicate_keys(pairs)  # raises DuplicateKeyError naming the key
    return data


class BadClaimJson(ValueError):
    """A claim's JSON text that is not one JSON object: the message says why, without the
    claim's content (the caller puts the file or the record before it)."""


def json_claim(text: str, *, one_line: bool = False) -> dict[str, Any]:
    """Parse one claim's JSON text, or raise `BadClaimJson` saying why it is not a claim.

    :param text: the claim's JSON text (already decoded).
    :param one_line: the text is one JSONL record, whose line the caller names: a fault
        is then placed by column alone (``at column 7``), a file's by line and column.
    """
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except DuplicateKeyError as exc:
        raise BadClaimJson(
            f"the key {key_shown(exc.key)} appears twice in one JSON object"
        ) from exc
    except json.JSONDecodeError as exc:
        at = f"column {exc.colno}" if one_line else f"line {exc.lineno} column {exc.colno}"
        raise BadClaimJson(f"not valid JSON: {exc.msg} at {at}") from exc
    except RecursionError as exc:
        raise BadClaimJson("JSON nested too deeply") from exc
    except ValueError as exc:  # an integer longer than Python converts (4300 digits)
        at = number_too_long(text)
        if one_line:
            at = at.replace(" at line 1 column ", " at column ")
        raise BadClaimJson(f"not valid JSON: {at}") from exc
    if not isinstance(data, dict):
        raise BadClaimJson(f"a claim must be a JSON object, not {type(data).__name__}")
    return data


@dataclass(frozen=True, slots=True)
class Rejected:
    """A batch record refused while reading (too long, not UTF-8, no claim cell): why."""

    errors: tuple[str, ...]


# -- what both modes write ---------------------------------------------------------------------


def csv_rows(origin: str, report: Report, position: Sequence[str] = ()) -> list[list[str]]:
    """``--output-format csv``: one row per finding of ``report`` (one for a claim with
    none), in `CSV_COLUMNS` order, with ``position`` (a batch record's line and id cells)
    after the file.

    :param origin: the file the claim came from.
    :param report: the claim's report.
    :param position: a batch record's line and id cells.
    """
    head = [origin, *position, report.claim_id or "", report.status]
    if not report.findings:
        return [head + [""] * (len(CSV_COLUMNS) - 3)]
    return [
        [
            *head,
            f.rule,
            f.severity,
            f.source,
            f.location,
            f.input_location or "",
            " ".join(f.codes),
            " ".join(f.suggestions),
            f.message,
            f.reference or "",
        ]
        for f in report.findings
    ]


def invalid_row(origin: str, errors: list[str], position: Sequence[str] = ()) -> list[str]:
    """The CSV row of a batch record that could not be checked: status ``invalid``, its
    errors in ``message`` (one ``; `` apart), the rule columns empty."""
    row = [origin, *position, "", "invalid"] + [""] * (len(CSV_COLUMNS) - 3)
    row[len(position) + CSV_COLUMNS.index("message")] = "; ".join(errors)
    return row


def statistics_lines(rules: Counter[str], names: Mapping[str, str]) -> Iterator[str]:
    """``--statistics``: ``count  RULE  name`` per rule, most frequent first (ruff's)."""
    if not rules:
        yield "no findings"
        return
    wide = len(str(max(rules.values())))
    for rule_id, count in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])):
        yield f"{count:>{wide}}  {rule_id:<7} {names.get(rule_id, '')}".rstrip()


def summary_lines(
    statuses: Counter[str], rules: Counter[str], total: int, args: argparse.Namespace | None = None
) -> Iterator[str]:
    """The summary on stderr: counts per status, then the most frequent rules (every
    rule with ``--statistics``; nothing with ``--quiet``)."""
    if args is not None and getattr(args, "quiet", False):
        return
    parts = ", ".join(f"{statuses[s]} {s}" for s in ("clean", "warning", "error", "invalid"))
    yield f"{total} claims: {parts}"
    if args is not None and getattr(args, "statistics", False):
        yield from statistics_lines(rules, getattr(args, "rule_names", {}))
    elif rules:
        top = ", ".join(f"{rule} x{count}" for rule, count in rules.most_common(5))
        more = len(rules) - 5
        tail = f" (and {more} more rules: --statistics lists them all)" if more > 0 else ""
        yield f"top rules: {top}{tail}"


def batch_status(statuses: Counter[str], args: argparse.Namespace) -> int:
    """A batch's exit status: 1 when a record is invalid or fails ``--fail-on``."""
    if statuses["invalid"] or statuses["error"]:
        return 1
    return 1 if getattr(args, "fail_on", "error") == "warning" and statuses["warning"] else 0
