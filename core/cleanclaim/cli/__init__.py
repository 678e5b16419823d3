"""The ``cleanclaim`` command: one sub-command per verb of DESIGN.md.

Exit status is the contract vendors script against: 0 no error finding, 1 at least one
error finding, 2 bad input or usage.  Every expected failure is turned into a one-line
message naming the file, record and field; a traceback means a bug in cleanclaim.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cleanclaim import __version__
from cleanclaim.cli.errors import UsageError, report_error


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cleanclaim",
        description="Check outpatient claims before they reach a payer.",
    )
    parser.add_argument("--version", action="version", version=f"cleanclaim {__version__}")
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser
    )
    from cleanclaim.cli import catalog, check, lookup

    check.register(sub)
    lookup.register(sub)
    catalog.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
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
    sys.exit(main())
