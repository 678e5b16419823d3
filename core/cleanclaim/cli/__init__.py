"""The ``cleanclaim`` command: one sub-command per verb of DESIGN.md.

Exit status is the contract vendors script against: 0 no error finding, 1 at least one
error finding, 2 bad input or usage.  Every expected failure is turned into a one-line
message naming the file, record and field; a traceback means a bug in cleanclaim.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cleanclaim import __version__, collector
from cleanclaim.cli.errors import UsageError, report_error


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


#: the module that registers each verb.  A command line that names one of them builds a
#: parser with that module's verbs only, so ``cleanclaim code`` never imports the engine,
#: the plugins' contract or pydantic's models (a test holds this map to the full parser).
VERB_MODULES = {
    "check": "check",
    "rules": "catalog",
    "rule": "catalog",
    "plugins": "catalog",
    "schema": "catalog",
    "code": "lookup",
    "search": "lookup",
    "diff": "lookup",
    "codes": "lookup",
    "datasets": "lookup",
}


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The ``cleanclaim`` parser; with a ``verb`` of :data:`VERB_MODULES`, only the verbs
    of its module are registered (all otherwise: ``--help``, no verb, a misspelt one)."""
    parser = _Parser(
        prog="cleanclaim",
        description="Check outpatient claims before they reach a payer.",
    )
    parser.add_argument("--version", action="version", version=f"cleanclaim {__version__}")
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser
    )
    only = VERB_MODULES.get(verb or "")
    if only is None or only == "check":
        from cleanclaim.cli import check

        check.register(sub)
    if only is None or only == "lookup":
        from cleanclaim.cli import lookup

        lookup.register(sub)
    if only is None or only == "catalog":
        from cleanclaim.cli import catalog

        catalog.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        parser = build_parser(words[0] if words else None)
        args = parser.parse_args(words)
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        status: int = args.func(args)
        return status
    except KeyboardInterrupt:
        print("cleanclaim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        return report_error(exc)


def run() -> None:
    """The ``cleanclaim`` program: :func:`main`, then the process ends.

    Before it ends, everything alive is frozen out of the cycle collector's reach
    (``gc.freeze``): CPython's finalisation otherwise searches all of it for reference
    cycles, and a fiscal year's codes and notes are a million objects -- measured, the
    search took 0.3 s after one ``check claim.json`` and 0.85 s after a batch that loaded
    five fiscal years, longer than checking the claims (docs/benchmarks.md).  The
    process frees its memory as it exits either way; nothing is written after
    :func:`main` returns (its outputs are closed, each renamed into place whole).
    Called here, and only here, :func:`main` also freezes what its start and each fiscal
    year's load leave (`cleanclaim.collector.settle`); a caller embedding :func:`main`
    keeps its collector as it was.
    """
    collector.own_process()
    status = main()
    collector.settle()
    sys.exit(status)
