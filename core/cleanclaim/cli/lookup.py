"""Look-up verbs of the command line: ``code``, ``search``, ``diff``, ``codes``
(``datasets`` lives in :mod:`cleanclaim.cli.datasets_cmd`).

These are what a coder runs at the desk ("is M54.5 still valid?"), so text output reads
like the tabular list and a code that is not valid says what was probably meant.  Every
handler returns an exit status (0 found, 1 not valid -- for ``code``: not a billable code
of that year, headers included -- 2 bad usage) instead of raising, so
that no traceback ever reaches the terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TextIO

from cleanclaim.icd import (
    CodeInfo,
    Dataset,
    DatasetInfo,
    DatasetRegistry,
    NoDatasetError,
    Note,
    diff_datasets,
    fiscal_year_of,
    normalize_code,
)
from cleanclaim.icd.explain import billable_in, explain

Handler = Callable[[argparse.Namespace], int]

_NOTE_LABELS = (
    ("inclusion_terms", "Inclusion terms"),
    ("includes", "Includes"),
    ("excludes1", "Excludes1"),
    ("excludes2", "Excludes2"),
    ("code_first", "Code first"),
    ("use_additional", "Use additional code"),
    ("code_also", "Code also"),
    ("notes", "Notes"),
)


#: note kinds that bind the codes below the place they are printed.
_INHERITED = ("excludes1", "excludes2", "code_first", "use_additional", "code_also")


class UsageError(Exception):
    """Bad input the user can fix; reported with exit status 2."""


def _registry(args: argparse.Namespace | None = None) -> DatasetRegistry:
    """Packaged datasets plus those installed in ``--data-dir`` / ``data-dir`` / default."""
    from cleanclaim.cli.datasets_cmd import registry_of

    return registry_of(args or argparse.Namespace())


def _today() -> date:
    return date.today()


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def choose_dataset(
    reg: DatasetRegistry, when: date | None, fy: int | None
) -> tuple[Dataset, str | None]:
    """The dataset asked for, and a remark saying which one was used when not asked for.

    An explicit ``--date``/``--fy`` that no dataset serves is an error; with neither, the
    release in force today is used ("FY2027 (provisional), in force today"), and when no
    dataset serves today, the newest one up to today's fiscal year, saying why.
    """
    if fy is not None:
        try:
            return reg.for_fiscal_year(fy), None
        except NoDatasetError as exc:
            raise UsageError(str(exc)) from None
    if when is not None:
        try:
            return reg.for_date(when), None
        except NoDatasetError as exc:
            raise UsageError(str(exc)) from None
    today = _today()
    try:
        ds = reg.for_date(today)
    except NoDatasetError as exc:
        fy = fiscal_year_of(today)
        earlier = [y for y in reg.fiscal_years() if y <= fy]
        ds = reg.for_fiscal_year(earlier[-1]) if earlier else reg.newest()
        why = f"{exc.missing} is not installed" if exc.missing else f"FY{fy} is not installed"
        remark = (
            f"no dataset serves today ({today.isoformat()}, FY{fy}): {why}; answering from "
            f"the newest dataset here, FY{ds.info.fiscal_year}{ds.info.marks} "
            f"(release {ds.info.release})"
        )
        return ds, remark
    info = ds.info
    return ds, f"FY{info.fiscal_year}{info.marks}, release {info.release}, in force today"


def _info_json(info: DatasetInfo) -> dict[str, Any]:
    from cleanclaim.cli.datasets_cmd import info_json

    return info_json(info)


def _note_json(note: Note) -> dict[str, Any]:
    return {"text": note.text, "refs": [str(r) for r in note.refs]}


def explain_invalid(reg: DatasetRegistry, ds: Dataset, code: str) -> dict[str, Any]:
    """Why ``code`` is not a code of ``ds`` and what was probably meant: the verdict
    ICD101-ICD103 report (``rule`` names the one that would), so the desk and the claim
    report say the same thing."""
    verdict = explain(ds, reg, code)
    out: dict[str, Any] = {
        "code": code,
        "valid": False,
        "fiscal_year": ds.info.fiscal_year,
        "kind": verdict.kind,
        "rule": verdict.rule,
        "message": verdict.message,
        "suggestions": list(verdict.suggestions),
    }
    if verdict.exists_in:
        out["exists_in"] = list(verdict.exists_in)
    return out


def inherited_notes(ds: Dataset, info: CodeInfo) -> list[dict[str, Any]]:
    """Notes that bind ``info`` from where they are printed above it: its ancestors, its
    block and its chapter (a note applies to everything below its place), nearest first."""
    sources: list[tuple[str, dict[str, tuple[Note, ...]]]] = [
        (f"from {a}", {k: getattr(above, k) for k in _INHERITED})
        for a in info.ancestors
        if (above := ds.lookup(a)) is not None
    ]
    sources.append((f"from block {info.block[0]}", ds.block_notes(info.block[0])))
    chapter = info.chapter[0]
    sources.append((f"from chapter {chapter}", ds.chapter_notes(chapter)))
    out: list[dict[str, Any]] = []
    for origin, notes in sources:
        for kind in _INHERITED:
            for note in notes.get(kind, ()):
                out.append({"kind": kind, "from": origin, **_note_json(note)})
    return out


def describe(reg: DatasetRegistry, ds: Dataset, info: CodeInfo) -> dict[str, Any]:
    """The JSON form of a code, with the hierarchy spelt out and, for a header, what to
    report instead."""
    chapter_num, chapter_title = info.chapter
    doc: dict[str, Any] = {
        "code": info.code,
        "description": info.description,
        "valid": True,
        "billable": info.billable,
        "requires_seventh": info.requires_seventh,
        "parent": info.parent,
        "ancestors": [{"code": a, "description": ds.description(a)} for a in info.ancestors],
        "chapter": {"number": chapter_num, "title": chapter_title},
        "block": {"id": info.block[0], "title": info.block[1]},
        "notes": {
            key: [_note_json(n) for n in getattr(info, key)]
            for key, _ in _NOTE_LABELS
            if getattr(info, key)
        },
        "inherited_notes": inherited_notes(ds, info),
        "inherited_excludes1": [str(r) for r in ds.excludes1(info.code)],
        "inherited_excludes2": [str(r) for r in ds.excludes2(info.code)],
        "seventh_characters": dict(info.seventh_characters),
    }
    if not info.billable:
        verdict = explain(ds, reg, info.code)
        doc["kind"] = verdict.kind
        doc["rule"] = verdict.rule
        doc["message"] = verdict.message
        doc["suggestions"] = list(verdict.suggestions)
        doc["billable_descendants"] = ds.billable_descendants(info.code)
        was = [fy for fy in billable_in(ds, reg, info.code) if fy != ds.info.fiscal_year]
        if was:
            doc["billable_in"] = was
    return doc


def _print_code_text(doc: dict[str, Any], out: TextIO) -> None:
    kind = (
        "billable"
        if doc["billable"]
        else ("needs a 7th character" if doc["requires_seventh"] else "header (not billable)")
    )
    print(f"{doc['code']}  {doc['description']}", file=out)
    print(f"  status:   {kind}", file=out)
    ch, bl = doc["chapter"], doc["block"]
    print(f"  chapter:  {ch['number']} {ch['title']}", file=out)
    print(f"  block:    {bl['id']} {bl['title']}", file=out)
    for anc in doc["ancestors"]:
        print(f"  parent:   {anc['code']}  {anc['description']}", file=out)
    labels = dict(_NOTE_LABELS)
    for key, notes in doc["notes"].items():
        print(f"  {labels[key]}:", file=out)
        for note in notes:
            print(f"    - {note['text']}", file=out)
    if doc["inherited_notes"]:
        print("  Inherited notes (they bind this code too):", file=out)
        for note in doc["inherited_notes"]:
            print(f"    - {labels[note['kind']]} ({note['from']}): {note['text']}", file=out)
    if doc["seventh_characters"]:
        print("  7th characters:", file=out)
        for ch7, meaning in doc["seventh_characters"].items():
            print(f"    {ch7}  {meaning}", file=out)
    if "billable_descendants" in doc:
        desc = doc["billable_descendants"]
        print(f"  why:      {doc['message']}", file=out)
        shown = ", ".join(desc[:20]) + (f", ... ({len(desc)} in all)" if len(desc) > 20 else "")
        print(f"  report instead one of: {shown}", file=out)


def cmd_code(args: argparse.Namespace) -> int:
    reg = _registry(args)
    ds, remark = choose_dataset(reg, args.date, args.fy)
    code = normalize_code(args.code)
    info = ds.lookup(code)
    fmt = args.format
    doc = explain_invalid(reg, ds, code) if info is None else describe(reg, ds, info)
    doc["dataset"] = _info_json(ds.info)
    if remark:
        doc["remark"] = remark
    if fmt == "json":
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        if remark:
            print(f"({remark})")
        print(f"[{ds.info.system} FY{ds.info.fiscal_year}, release {ds.info.release}]")
        if info is None:
            print(doc["message"])
            if doc.get("exists_in"):
                years = ", ".join(f"FY{fy}" for fy in doc["exists_in"])
                print(f"It is a code in the packaged fiscal years {years}.")
            if doc["suggestions"]:
                print("Suggestions: " + ", ".join(doc["suggestions"]) + ".")
        else:
            _print_code_text(doc, sys.stdout)
    # A header is found but not reportable: for a coder that is "not valid" (exit 1).
    return 0 if info is not None and info.billable else 1


#: how a search hit that cannot be reported as it stands is marked in text output.
_STATUS_MARKS = {
    "billable": "",
    "header": "(header, not billable) ",
    "needs-7th-character": "(needs a 7th character) ",
}


def hit_status(ds: Dataset, code: str) -> str:
    """``billable``, ``header`` or ``needs-7th-character``: whether a hit can be reported."""
    if ds.is_billable(code):
        return "billable"
    info = ds.lookup(code)
    return "needs-7th-character" if info is not None and info.requires_seventh else "header"


def cmd_search(args: argparse.Namespace) -> int:
    reg = _registry(args)
    ds, remark = choose_dataset(reg, getattr(args, "date", None), args.fy)
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    hits = ds.search(" ".join(args.words), limit=args.limit, synonyms=_plugin_synonyms())
    if args.format == "json":
        print(
            json.dumps(
                {
                    "dataset": _info_json(ds.info),
                    **({"remark": remark} if remark else {}),
                    "query": " ".join(args.words),
                    "hits": [
                        {
                            "code": h.code,
                            "description": h.description,
                            "status": hit_status(ds, h.code),
                            "score": h.score,
                            "matched_term": h.matched_term,
                        }
                        for h in hits
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        if remark:
            print(f"({remark})")
        for h in hits:
            extra = "" if h.matched_term in (h.description, h.code) else f"  [{h.matched_term}]"
            mark = _STATUS_MARKS[hit_status(ds, h.code)]
            print(f"{h.code:<9} {mark}{h.description}{extra}")
        if not hits:  # an empty answer must not look like a command that did nothing
            query = " ".join(args.words)
            print(
                f"cleanclaim: no code matches {query!r} in {ds.info.name}; try fewer or "
                "other words, or another year with --fy",
                file=sys.stderr,
            )
    return 0 if hits else 1


def cmd_diff(args: argparse.Namespace) -> int:
    reg = _registry(args)
    try:
        a, b = reg.for_fiscal_year(args.from_fy), reg.for_fiscal_year(args.to_fy)
    except NoDatasetError as exc:
        raise UsageError(str(exc)) from None
    d = diff_datasets(a, b, prefix=args.prefix)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "from": _info_json(a.info),
                    "to": _info_json(b.info),
                    "prefix": args.prefix,
                    "added": list(d.added),
                    "deleted": list(d.deleted),
                    "renamed": [{"code": c, "old": o, "new": n} for c, o, n in d.renamed],
                    "billable_changed": [
                        {"code": c, "was": w, "now": n} for c, w, n in d.billable_changed
                    ],
                    "now_header": [c for c, w, n in d.billable_changed if w and not n],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    print(
        f"FY{a.info.fiscal_year} ({a.info.release}){a.info.marks} -> FY{b.info.fiscal_year} "
        f"({b.info.release}){b.info.marks}"
        + (f", codes starting {args.prefix}" if args.prefix else "")
    )
    headers = sum(1 for _, was, now in d.billable_changed if was and not now)
    print(
        f"added: {len(d.added)}  deleted: {len(d.deleted)}  now a header: {headers}  "
        f"retitled: {len(d.renamed)}  billable changed: {len(d.billable_changed)}"
    )
    for code in d.added:
        print(f"+ {code:<9} {b.description(code)}")
    for code in d.deleted:
        print(f"- {code:<9} {a.description(code)}")
    for code, was, now in d.billable_changed:
        change = "now a header" if was and not now else "now billable"
        print(f"* {code:<9} {change}: {b.description(code)}")
    for code, old, new in d.renamed:
        print(f"~ {code:<9} retitled {old!r} -> {new!r}")
    return 0


def cmd_codes(args: argparse.Namespace) -> int:
    ds, _ = choose_dataset(_registry(args), None, args.fy)
    out = sys.stdout
    out.writelines(f"{c}\n" for c in ds.codes(billable_only=args.billable))
    return 0


def _guard(handler: Handler) -> Handler:
    """Turn a :class:`UsageError` into exit status 2 with a one-line message."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except UsageError as exc:
            print(f"cleanclaim: {exc}", file=sys.stderr)
            return 2

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the look-up verbs to the main ``cleanclaim`` parser."""
    from cleanclaim.cli import datasets_cmd
    from cleanclaim.cli.args import add_data_dir_argument

    fmt: dict[str, Any] = {"choices": ["text", "json"], "default": "text"}

    p = subparsers.add_parser("code", help="look up one ICD-10-CM code")
    p.add_argument("code")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", type=_parse_date, help="date of service (YYYY-MM-DD)")
    when.add_argument("--fy", type=int, help="fiscal year")
    p.add_argument("--format", **fmt)
    add_data_dir_argument(p)
    p.set_defaults(func=_guard(cmd_code))

    p = subparsers.add_parser("search", help="search codes by words")
    p.add_argument("words", nargs="+")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", type=_parse_date, help="date of service (YYYY-MM-DD)")
    when.add_argument("--fy", type=int, help="fiscal year")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--format", **fmt)
    add_data_dir_argument(p)
    p.set_defaults(func=_guard(cmd_search))

    p = subparsers.add_parser("diff", help="codes changed between two fiscal years")
    p.add_argument("from_fy", type=int, metavar="FROM_FY")
    p.add_argument("to_fy", type=int, metavar="TO_FY")
    p.add_argument("--prefix")
    p.add_argument("--format", **fmt)
    add_data_dir_argument(p)
    p.set_defaults(func=_guard(cmd_diff))

    p = subparsers.add_parser("codes", help="list a fiscal year's codes, one a line")
    p.add_argument("--fy", type=int, required=True)
    p.add_argument("--billable", action="store_true")
    add_data_dir_argument(p)
    p.set_defaults(func=_guard(cmd_codes))

    datasets_cmd.register(subparsers)


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry (tests, ``python -m cleanclaim.cli.lookup``)."""
    parser = argparse.ArgumentParser(prog="cleanclaim")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    func: Handler = args.func
    return func(args)


if __name__ == "__main__":
    raise SystemExit(main())


def _plugin_synonyms() -> Mapping[str, Sequence[str]]:
    """Search synonyms contributed by the installed plugins (their hooks run once, here)."""
    from cleanclaim.engine import Engine

    return Engine.build().tables.synonyms
