"""``cleanclaim-refdata build``: recompile the packaged datasets from the official sources.

The defaults point at the checkout (``refdata/sources`` -> the package's ``data``
directory) because rebuilding is a maintainer's task done in a clone, never at run time.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cleanclaim_refdata import DATA_VERSION
from cleanclaim_refdata.builder import build_all, write_digest_module, write_history

_PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = _PACKAGE_DIR / "data"
DEFAULT_SOURCES = _PACKAGE_DIR.parent.parent / "sources"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cleanclaim-refdata",
        description=f"cleanclaim reference data {DATA_VERSION}",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="compile every source XML into a dataset")
    build.add_argument(
        "--sources",
        type=Path,
        default=DEFAULT_SOURCES,
        help="directory with *.xml.xz and SHA256SUMS.raw",
    )
    build.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="directory that receives one sub-directory per dataset",
    )
    args = parser.parse_args(argv)
    if not args.sources.is_dir():
        print(f"cleanclaim-refdata: no sources directory {args.sources}", file=sys.stderr)
        return 2
    try:
        built = build_all(args.sources, args.out)
    except (ValueError, OSError) as exc:
        print(f"cleanclaim-refdata: {exc}", file=sys.stderr)
        return 1
    if args.out.resolve() == DEFAULT_OUT:  # the package's own data: its code names them
        write_history(args.out)
        write_digest_module(args.out, _PACKAGE_DIR / "manifests.py")
    for path in built:
        print(path)
    return 0
