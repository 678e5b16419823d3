"""``cleanclaim datasets``: what is packaged and installed, which dataset serves each date,
and adding or removing an official CMS release (``datasets add FILE``, ``datasets remove``).

``datasets --check [DATE]`` is a line for a vendor's monitoring: exit 1 when no dataset
serves DATE (default today) or when the next fiscal year starts within 60 days and no
dataset serves it yet, so the yearly CMS release is added before claims are refused.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from cleanclaim.cli.errors import CliInputError
from cleanclaim.icd import (
    DatasetInfo,
    DatasetRegistry,
    NoDatasetError,
    Window,
    fiscal_year_of,
    resolve_data_dir,
)
from cleanclaim.icd.install import InstallError, install, remove

#: days before October 1 from which ``--check`` warns that the next year is missing.
WARN_DAYS = 60


def _today() -> date:
    return date.today()


def data_dir_of(args: argparse.Namespace) -> Path:
    """``--data-dir``, else ``data-dir`` of the configuration, else the default."""
    explicit = getattr(args, "data_dir", None)
    if explicit:
        return Path(explicit).expanduser().absolute()
    from cleanclaim.configfile import find_config_file

    found = find_config_file()
    if found is None:  # Config() has no data-dir: pydantic need not even be imported
        return resolve_data_dir(None)
    from cleanclaim.config import Config

    return resolve_data_dir(Config.load(found).datasets_dir)


def registry_of(args: argparse.Namespace) -> DatasetRegistry:
    """The registry every reading verb uses: packaged plus installed in the data dir."""
    return DatasetRegistry.for_data_dir(data_dir_of(args))


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def info_json(info: DatasetInfo) -> dict[str, Any]:
    """A dataset as ``datasets --format json`` and the look-up verbs show it."""
    return {
        "name": info.name,
        "system": info.system,
        "fiscal_year": info.fiscal_year,
        "release": info.release,
        "release_date": info.release_date.isoformat(),
        "effective_from": info.effective_from.isoformat(),
        "effective_to": info.effective_to.isoformat(),
        "serves_from": info.serves_from.isoformat(),
        "serves_to": info.serves_to.isoformat(),
        "note": info.note,
        "counts": dict(info.counts),
        "sha256": info.sha256,
        "source": {"file": info.source_file, "sha256": info.source_sha256},
        "origin": info.origin,
        "location": info.location if info.installed else None,
        "provisional": info.provisional,
        "verified": info.verified,
    }


def _window_json(reg: DatasetRegistry, w: Window) -> dict[str, Any]:
    return {
        "from": w.start.isoformat(),
        "to": w.end.isoformat(),
        "dataset": w.dataset.name if w.dataset else None,
        "origin": w.dataset.origin if w.dataset else None,
        "refused": w.reason or None,
        "note": reg.extension_note(w) or None,
    }


def _label(info: DatasetInfo) -> str:
    return f"{info.name} ({info.origin}){info.marks}"


def cmd_datasets(args: argparse.Namespace) -> int:
    if args.check is not None:
        return _check(args)
    folder = data_dir_of(args)
    reg = DatasetRegistry.for_data_dir(folder)
    infos = reg.available()
    windows = reg.windows()
    if args.format == "json":
        doc = {
            "data_dir": str(folder),
            "datasets": [info_json(i) for i in infos],
            "windows": [_window_json(reg, w) for w in windows],
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    for i in infos:
        where = "packaged" if not i.installed else f"installed in {i.location}"
        print(
            f"{i.name}: FY{i.fiscal_year} {i.system} release {i.release} "
            f"({i.release_date}), serves {i.serves_from} .. {i.serves_to}; {where}"
        )
        print(f"        {i.note}")
        print(
            f"        {i.counts.get('codes', 0)} codes, {i.counts.get('billable', 0)} "
            f"billable; source {i.source_file}"
        )
        if i.provisional:
            print(f"        PROVISIONAL: {i.provisional}")
        if not i.verified:
            print(
                "        UNVERIFIED: added with --allow-unverified; its file is not a known "
                "official CMS file"
            )
    installed = sum(1 for i in infos if i.installed)
    print(f"\ndatasets installed in {folder}: {installed or 'none'}")
    print("\nwhich dataset serves each date of service:")
    for w in windows:
        who = _label(w.dataset) if w.dataset else w.reason
        print(f"  {w.start} .. {w.end}  {who}")
        note = reg.extension_note(w)
        if note:
            print(f"        {note}")
    return 0


def _check(args: argparse.Namespace) -> int:
    """One line for monitoring; 1 when a date (or the coming fiscal year) is not served."""
    day = _today() if args.check == "today" else _parse_check_date(args.check)
    reg = registry_of(args)
    try:
        info = reg.for_date(day).info
    except NoDatasetError as exc:
        missing = exc.missing or f"no dataset for FY{fiscal_year_of(day)}"
        print(
            f"cleanclaim datasets: {day}: {missing} is not installed, claims of that date "
            "are refused; add it with `cleanclaim datasets add FILE`"
            if exc.missing
            else f"cleanclaim datasets: {day}: {missing}, claims of that date are refused; "
            "add it with `cleanclaim datasets add FILE`"
        )
        return 1
    next_start = date(fiscal_year_of(day), 10, 1)
    days = (next_start - day).days
    if days <= WARN_DAYS:
        try:
            reg.for_date(next_start)
        except NoDatasetError:
            print(
                f"cleanclaim datasets: FY{fiscal_year_of(next_start)} starts on {next_start} "
                f"(in {days} days) and no dataset serves it; add the CMS release with "
                "`cleanclaim datasets add FILE` as soon as CMS publishes it"
            )
            return 1
    print(f"cleanclaim datasets: {day} is served by {_label(info)}")
    return 0


def _parse_check_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliInputError(f"datasets --check: not a date (YYYY-MM-DD): {text!r}") from None


def cmd_add(args: argparse.Namespace) -> int:
    folder = data_dir_of(args)
    try:
        info = install(
            Path(args.file),
            folder,
            allow_unverified=args.allow_unverified,
            release=args.release,
        )
    except InstallError as exc:
        raise CliInputError(str(exc)) from None
    reg = DatasetRegistry.for_data_dir(folder)
    served = [f"{w.start} .. {w.end}" for w in reg.windows() if w.dataset == info]
    # "no date": e.g. an October release whose dates an installed April update took over
    when = ", ".join(served) or "no date (another dataset serves its dates)"
    print(f"installed {info.name}{info.marks} (FY{info.fiscal_year}, release {info.release})")
    print(f"  in {folder}")
    print(f"  serves {when}")
    if not info.verified:
        print("  UNVERIFIED: not a known official CMS file; reports checked against it say so")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    folder = data_dir_of(args)
    try:
        removed = remove(args.name, folder)
    except InstallError as exc:
        raise CliInputError(str(exc)) from None
    print(f"removed {args.name} from {removed.parent}")
    return 0


def _data_dir_argument(p: argparse.ArgumentParser, *, sub: bool = True) -> None:
    from cleanclaim.cli.args import add_data_dir_argument

    add_data_dir_argument(p, keep_parent=sub)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``datasets`` with its ``add`` and ``remove`` sub-verbs."""
    p = subparsers.add_parser(
        "datasets", help="the ICD-10-CM datasets, which one serves each date; add or remove one"
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--check",
        nargs="?",
        const="today",
        metavar="DATE",
        help="exit 1 with one line when no dataset serves DATE (default today) or the next "
        f"fiscal year starts within {WARN_DAYS} days and is not installed",
    )
    _data_dir_argument(p, sub=False)
    p.set_defaults(func=cmd_datasets)
    sub = p.add_subparsers(dest="action", metavar="ACTION")

    a = sub.add_parser("add", help="install an official CMS release (tabular XML or zip)")
    a.add_argument("file", metavar="FILE")
    a.add_argument(
        "--allow-unverified",
        action="store_true",
        help="install a file that is not a known official CMS file (marked unverified)",
    )
    a.add_argument(
        "--release",
        metavar="RELEASE",
        help="the release of an unverified file: 2027 (October), or 2027-April, 2021-January "
        "(an update on the 1st of that month) "
        "(default: the XML's <version>, October)",
    )
    _data_dir_argument(a)
    a.set_defaults(func=cmd_add)

    r = sub.add_parser("remove", help="remove an installed dataset")
    r.add_argument("name", metavar="NAME")
    _data_dir_argument(r)
    r.set_defaults(func=cmd_remove)
