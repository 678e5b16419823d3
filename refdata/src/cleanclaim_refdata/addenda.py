"""Apply a CMS ICD-10-CM order-file addenda to the tabular list of the year before.

When a fiscal year's tabular XML cannot be had yet but its order-file addenda can, the code
set of the new year is exact: the addenda list every code added, deleted or retitled
between the two order files (headers included, 7-character codes included, with the header
flag the order file gives each).  This module turns those lines into the new year's tree,
so that a claim dated in the new year is checked against the codes CMS made valid on that
date.  What the addenda cannot tell -- the new year's instructional notes and where exactly
a new category sits in the tabular list -- is taken from the base year and said so in the
dataset's manifest (``provisional``).

How each line is applied (derived from the lines, never from a list typed here):

* ``Delete:`` removes a node, or one 7th character of a stem.  A node deleted and added
  again is *kept* (its notes stay, so its new children inherit them) and takes the flag of
  its ``Add:`` line: D69.1, I42.0, M72.2 and Z87.890 were billable and become headers.
* ``Add:`` places a code under its nearest existing or added ancestor (the longest prefix
  that is a node), a new category in the block of the category just before it.  It takes
  the 7th-character definition its ancestors carry.  An 8-character code that is a stem's
  padded form plus one character of that definition is a 7th character of the stem, not a
  node: the stem's 7th characters are exactly those the addenda list.
* ``Revise from:``/``Revise to:`` retitle a code (the long title is the description).

Any line that cannot be placed, and any result that disagrees with the counts the addenda
file states at its end, is an error of the build: a provisional year must never be quietly
wrong.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

from cleanclaim_refdata.builder import _Code, _Compiler
from cleanclaim_refdata.codes import dotted, pad_stem

__all__ = ["Addenda", "AddendaError", "AddendaLine", "apply_addenda", "parse_addenda"]

#: "Add:         1 C7831   Secondary malignant ..." -- fixed columns like the order file:
#: the action in 14, the flag, the code in 8, the short title in 61, the long title.
_LINE = re.compile(
    r"^(?P<action>Add:|Delete:|Revise from:|Revise to:)\s+(?P<flag>[01]) "
    r"(?P<code>[A-Z][0-9A-Z]{2,6})\s+(?P<titles>\S.*)$"
)
_SUMMARY = re.compile(r"^\s*(?P<n>\d+)\s+(?P<what>.+?)\s*$")


class AddendaError(ValueError):
    """The addenda file cannot be read or applied; the message names the line."""


@dataclass(frozen=True, slots=True)
class AddendaLine:
    """One ``Add:``/``Delete:``/``Revise from:``/``Revise to:`` line."""

    number: int  # line number in the file, for messages
    action: str  # add | delete | revise_from | revise_to
    billable: bool  # header flag 1
    code: str  # dotted: D69.11, O31.40X0
    short: str
    long: str


@dataclass(frozen=True, slots=True)
class Addenda:
    """A parsed addenda file, with the counts its closing summary states."""

    lines: tuple[AddendaLine, ...]
    #: e.g. {"headers_before": 23467, "headers_after": 23524, "codes_before": 74719,
    #: "codes_after": 74879, "code_additions": 190, ...}
    summary: dict[str, int]
    sha256: str


def parse_addenda(data: bytes, name: str = "addenda") -> Addenda:
    """Read the fixed-column lines and the closing summary (``74719 codes in
    icd10cm_order_2026.txt``, ``190 additions``, ...), which the result is checked against."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise AddendaError(f"{name}: not an ASCII order-file addenda ({exc})") from None
    actions = {"Add:": "add", "Delete:": "delete", "Revise from:": "revise_from"}
    actions["Revise to:"] = "revise_to"
    lines: list[AddendaLine] = []
    summary: dict[str, int] = {}
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        m = _LINE.match(line)
        if m is not None:
            if summary:
                raise AddendaError(f"{name} line {number}: a code line after the summary")
            titles = m["titles"]
            # the short title fills 60 columns (61 with its separator), the long title follows
            short, long = titles[:60].rstrip(), titles[61:].strip()
            if not short or not long or titles[60] != " ":
                raise AddendaError(f"{name} line {number}: titles not in their columns")
            lines.append(
                AddendaLine(
                    number, actions[m["action"]], m["flag"] == "1", dotted(m["code"]), short, long
                )
            )
            continue
        if line.strip() in ("Headers", "Codes", "of which"):
            section = line.strip().lower() if line.strip() != "of which" else section
            continue
        s = _SUMMARY.match(line)
        if s is None or not section:
            raise AddendaError(f"{name} line {number}: not an addenda line: {line.strip()!r}")
        what = s["what"]
        if what.startswith(("headers in ", "codes in ")):
            # "74719 codes in icd10cm_order_2026.txt" then "... _2027.txt": before, after
            key = f"{section}_after" if f"{section}_before" in summary else f"{section}_before"
            summary[key] = int(s["n"])
        else:
            summary[f"{section}_{what.replace(' ', '_')}"] = int(s["n"])
    if not lines:
        raise AddendaError(f"{name}: no Add/Delete/Revise lines")
    for key in ("headers_before", "headers_after", "codes_before", "codes_after"):
        if key not in summary:
            raise AddendaError(f"{name}: the closing summary has no {key.replace('_', ' ')}")
    return Addenda(tuple(lines), summary, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying the addenda did, in codes (7th characters expanded)."""

    added: frozenset[str]  # billable codes added
    deleted: frozenset[str]  # billable codes deleted
    now_headers: tuple[str, ...]  # billable codes that became headers
    retitled: tuple[str, ...]
    new_categories: dict[str, str]  # category -> the block id it was placed in


def _billable(comp: _Compiler) -> set[str]:
    out: set[str] = set()
    for e in comp.codes.values():
        if e.kind == "B":
            out.add(e.code)
        elif e.kind == "S":
            stem = pad_stem(e.code)
            out.update(stem + ch for ch in e.allowed)
    return out


def _headers(comp: _Compiler) -> int:
    return sum(1 for e in comp.codes.values() if e.kind != "B")


def _nearest_node(comp: _Compiler, code: str) -> _Code | None:
    """The longest proper prefix of ``code`` that is a node (``O31.40X0`` -> ``O31.40``)."""
    flat = code.replace(".", "")
    for n in range(len(flat) - 1, 2, -1):
        hit = comp.codes.get(dotted(flat[:n]))
        if hit is not None:
            return hit
    return None


def _as_seventh(comp: _Compiler, code: str) -> tuple[_Code, str] | None:
    """``(stem, 7th character)`` when ``code`` is a stem's padded form plus one character
    of the 7th-character definition the stem carries; otherwise None."""
    if len(code) != 8:
        return None
    parent = _nearest_node(comp, code)
    if parent is None or parent.seven is None:
        return None
    if pad_stem(parent.code) != code[:7] or code[7] not in comp.seven_defs[parent.seven]:
        return None
    return parent, code[7]


def _children(comp: _Compiler) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in comp.codes.values():
        if e.parent is not None:
            out.setdefault(e.parent, []).append(e.code)
    return out


def apply_addenda(comp: _Compiler, addenda: Addenda, name: str = "addenda") -> Applied:
    """Turn the base year's compiled tree into the new year's, in place.

    Raises `AddendaError` naming the line for anything it cannot place, and when the
    result disagrees with the addenda's own summary (billable codes and headers before and
    after) or with its lines (the billable set must change by exactly its additions and
    deletions).
    """

    def fail(line: AddendaLine, why: str) -> AddendaError:
        return AddendaError(f"{name} line {line.number}: {line.code}: {why}")

    s = addenda.summary
    before = _billable(comp)
    if len(before) != s["codes_before"] or _headers(comp) != s["headers_before"]:
        raise AddendaError(
            f"{name}: made against {s['codes_before']} billable codes and "
            f"{s['headers_before']} headers, but the base has {len(before)} and "
            f"{_headers(comp)}: it is not the base release of these addenda"
        )
    adds = [ln for ln in addenda.lines if ln.action == "add"]
    deletes = [ln for ln in addenda.lines if ln.action == "delete"]
    added_codes = {ln.code for ln in adds}
    deleted_codes = {ln.code for ln in deletes}
    flag_of: dict[str, bool] = {ln.code: ln.billable for ln in adds}

    # 1. revisions: the "from" title must be the one the base has, the "to" title replaces it
    retitled: list[str] = []
    pending: AddendaLine | None = None
    for ln in addenda.lines:
        if ln.action == "revise_from":
            pending = ln
        elif ln.action == "revise_to":
            if pending is None or pending.code != ln.code:
                raise fail(ln, "'Revise to' without its 'Revise from'")
            entry = comp.codes.get(ln.code)
            if entry is None:
                raise fail(ln, "retitled, but not a code of the base release")
            if entry.desc != pending.long:
                raise fail(pending, f"'Revise from' title is not the base's: {entry.desc!r}")
            entry.desc = ln.long
            retitled.append(ln.code)
            pending = None
    if pending is not None:
        raise fail(pending, "'Revise from' without its 'Revise to'")

    # 2. deletions: 7th characters off their stem, nodes off the tree (longest first, so a
    #    stem's characters and a header's children go before it).  A node deleted and added
    #    again stays: it only changes its flag.
    deleted_billable: set[str] = set()
    for ln in sorted(deletes, key=lambda x: (-len(x.code), x.code)):
        if ln.code in comp.codes:
            entry = comp.codes[ln.code]
            if ln.billable != (entry.kind == "B"):
                raise fail(
                    ln,
                    f"deleted with flag {int(ln.billable)}, but it is a "
                    f"{'billable code' if entry.kind == 'B' else 'header'}",
                )
            if entry.kind == "B":
                deleted_billable.add(ln.code)
            if ln.code in added_codes:
                continue  # re-added below with its new flag
            if entry.kind == "S" and entry.allowed:
                raise fail(ln, f"stem deleted, but its 7th characters {entry.allowed} are not")
            del comp.codes[ln.code]
            comp.categories.pop(ln.code, None)
            continue
        seventh = _as_seventh(comp, ln.code)
        if seventh is None or seventh[1] not in seventh[0].allowed:
            raise fail(ln, "deleted, but not a code of the base release")
        if not ln.billable:
            raise fail(ln, "a 7-character code cannot be a header")
        stem, char = seventh
        stem.allowed = stem.allowed.replace(char, "")
        deleted_billable.add(ln.code)
    children = _children(comp)
    for above in {e.parent for e in comp.codes.values() if e.parent is not None}:
        if above not in comp.codes:
            orphan = sorted(children[above])[0]
            raise AddendaError(f"{name}: {above} deleted, but {orphan} below it is not")

    # 3. additions, shortest first so every parent exists before its children
    new_categories: dict[str, str] = {}
    added_billable: set[str] = set()
    block_of_category = sorted(comp.categories.items())
    for ln in sorted(adds, key=lambda x: (len(x.code), x.code)):
        if ln.code in comp.codes:
            if ln.code not in deleted_codes:
                raise fail(ln, "added, but already a code of the base release")
            entry = comp.codes[ln.code]
            entry.desc = ln.long
            entry.kind = "B" if ln.billable else "H"  # settled in step 4
            if ln.billable:
                added_billable.add(ln.code)
            continue
        seventh = _as_seventh(comp, ln.code)
        if seventh is not None:
            stem, char = seventh
            if not ln.billable:
                raise fail(ln, "a 7-character code cannot be a header")
            if char in stem.allowed:
                raise fail(ln, "added, but already a 7th character of its stem")
            stem.allowed = "".join(sorted(stem.allowed + char))
            stem.kind = "S"
            added_billable.add(ln.code)
            continue
        parent = _nearest_node(comp, ln.code)
        if parent is None:
            if len(ln.code) != 3:
                raise fail(ln, "no category above it in the base release or the addenda")
            # a new category goes into the block of the category just before it, of the
            # same letter: J4B after J4A, K6A after K68, QA1 after QA0
            at = bisect.bisect_left(block_of_category, (ln.code, -1))
            if at == 0 or block_of_category[at - 1][0][0] != ln.code[0]:
                raise fail(ln, "a new category with no category of its letter before it")
            block = block_of_category[at - 1][1]
            comp.categories[ln.code] = block
            new_categories[ln.code] = str(comp.blocks[block][0])
            seven = None
            parent_code = None
        else:
            if parent.kind == "B" and parent.code not in deleted_codes:
                raise fail(ln, f"placed under {parent.code}, which stays billable")
            seven = parent.seven
            parent_code = parent.code
        kind = "B" if ln.billable else "H"
        comp.codes[ln.code] = _Code(ln.code, ln.long, parent_code, kind, seven)
        if ln.code.endswith("X") and not ln.billable:
            comp.placeholders.append(ln.code)
        if ln.billable:
            added_billable.add(ln.code)

    # 4. settle the kinds: a node with children is a header; a childless node flagged 0 is
    #    a stem when it has 7th characters, and an error otherwise (a header over nothing)
    children = _children(comp)
    for entry in comp.codes.values():
        if entry.code in children:
            if entry.kind == "B":
                raise AddendaError(f"{name}: {entry.code} is billable but has codes below it")
            entry.kind = "H"
        elif entry.code in flag_of and not flag_of[entry.code]:
            if entry.seven is None or not entry.allowed:
                raise AddendaError(f"{name}: {entry.code} is added as a header with nothing below")
            entry.kind = "S"
        elif entry.kind == "B" and entry.seven is not None and entry.code in flag_of:
            raise AddendaError(
                f"{name}: {entry.code} is added as billable without its 7th "
                "character, in a category that needs one"
            )
        elif entry.kind == "H":
            raise AddendaError(f"{name}: header {entry.code} has nothing left below it")
        elif entry.kind == "S" and not entry.allowed:
            raise AddendaError(f"{name}: stem {entry.code} has no 7th character left")
    comp.placeholders[:] = sorted(p for p in set(comp.placeholders) if p in comp.codes)

    # 5. the result must be what the addenda say it is
    after = _billable(comp)
    if after != (before | added_billable) - (deleted_billable - added_billable):
        raise AddendaError(f"{name}: the billable set does not follow the lines")
    if added_billable & before or not deleted_billable <= before:
        raise AddendaError(f"{name}: an addition was already billable or a deletion was not")
    expected = {
        "codes_after": len(after),
        "headers_after": _headers(comp),
        "codes_additions": len(added_billable),
        "codes_deletions": len(deleted_billable),
        "codes_revisions": len(retitled),
    }
    for key, value in expected.items():
        if key in s and s[key] != value:
            raise AddendaError(
                f"{name}: the summary says {s[key]} for {key.replace('_', ' ')}, "
                f"applying the lines gives {value}"
            )
    return Applied(
        added=frozenset(added_billable - deleted_billable),
        deleted=frozenset(deleted_billable - added_billable),
        now_headers=tuple(
            sorted(
                c
                for c in deleted_billable & deleted_codes & added_codes
                if comp.codes[c].kind != "B"
            )
        ),
        retitled=tuple(retitled),
        new_categories=new_categories,
    )
