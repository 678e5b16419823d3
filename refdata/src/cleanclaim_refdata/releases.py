"""The ICD-10-CM releases CMS is known to have issued, and the official files known by hash.

Both are data (``releases.toml``, ``known_files.toml`` next to this module), each entry with
its provenance, so that a fact about a release is corrected in one reviewed place and never
in code.  The kernel reads them to refuse a date whose code set nobody installed has, and to
tell a user's download of an official release from a tampered file; the builder reads them
to give every dataset, packaged or compiled at run time, its service window.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from typing import Any

__all__ = [
    "KnownFile",
    "KnownRelease",
    "ServiceWindow",
    "is_update",
    "known_file",
    "known_files",
    "known_releases",
    "parse_release",
    "release_date",
    "release_label",
    "release_month",
    "service_window",
]

#: "<FY>" (the October release), "<FY>-April", "<FY>-January", ...: an update on the 1st.
_RELEASE = re.compile(r"^(?P<fy>\d{4})(?:-(?P<month>[A-Z][a-z]+))?$")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
FILE_KINDS = frozenset({"tabular-xml", "tabular-zip", "order-zip", "codes-txt"})


@dataclass(frozen=True, slots=True)
class KnownRelease:
    """One release: ``"2023"`` (the October 2022 release opening FY2023) or
    ``"2023-April"`` (the April 1, 2023 update), and whether it changed the code set."""

    release: str
    fiscal_year: int
    april: bool
    effective: date
    changes_code_set: bool
    summary: str
    source: str


@dataclass(frozen=True, slots=True)
class KnownFile:
    """An official file as published, named by its sha256."""

    sha256: str
    name: str
    kind: str
    release: str
    bytes: int | None
    provenance: str


@dataclass(frozen=True, slots=True)
class ServiceWindow:
    """The dates a dataset of one release serves, and one sentence saying why."""

    serves_from: date
    serves_to: date
    note: str


def _parse(release: str) -> tuple[int, int]:
    """``"2027"`` -> ``(2027, 10)``; ``"2021-January"`` -> ``(2021, 1)``."""
    m = _RELEASE.match(release)
    month = 10
    if m is not None and m["month"] is not None:
        month = MONTHS.index(m["month"]) + 1 if m["month"] in MONTHS else 0
    if m is None or (month in (0, 10) and m["month"] is not None):
        raise ValueError(
            f"release {release!r}: expected '<YEAR>' or '<YEAR>-April' (or '<YEAR>-<Month>', "
            "e.g. 2021-January, for an update on the 1st of another month; October is '<YEAR>')"
        )
    return int(m["fy"]), month


def parse_release(release: str) -> tuple[int, bool]:
    """``"2027"`` -> ``(2027, False)``, ``"2027-April"`` -> ``(2027, True)``; any other
    update (``"2021-January"``) -> ``(2021, False)``: see `release_month()`."""
    fy, month = _parse(release)
    return fy, month == 4


def release_month(release: str) -> int:
    """The month a release takes effect on the 1st of: 10 for an October release (``"2027"``),
    4 for ``"2027-April"``, 1 for ``"2021-January"``."""
    return _parse(release)[1]


def is_update(release: str) -> bool:
    """True for an update within the fiscal year (April, January, ...), False for the
    October release that opens it."""
    return release_month(release) != 10


def release_date(release: str) -> date:
    """October 1 before the fiscal year for an October release, the 1st of its month for an
    update (January to September in the fiscal year's own calendar year, November and
    December in the year before)."""
    fy, month = _parse(release)
    return date(fy - 1 if month >= 10 else fy, month, 1)


def release_label(release: str) -> str:
    """How a sentence names it: ``the October 2020 release``, ``the January 2021 update``."""
    when = release_date(release)
    kind = "update" if is_update(release) else "release"
    return f"the {MONTHS[when.month - 1]} {when.year} {kind}"


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads((files(__package__) / name).read_text(encoding="utf-8"))


def _field(entry: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = entry.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise ValueError(f"{where}: field {key!r} must be a {kind.__name__}, got {value!r}")
    return value


@functools.cache
def known_releases() -> tuple[KnownRelease, ...]:
    """Every release in ``releases.toml``, in order of effective date."""
    out = []
    for n, entry in enumerate(_read("releases.toml").get("release", []), start=1):
        where = f"releases.toml, release #{n}"
        release = _field(entry, "release", str, where)
        fy, april = parse_release(release)
        effective = _field(entry, "effective", date, where)
        if _field(entry, "fiscal_year", int, where) != fy or effective != release_date(release):
            raise ValueError(
                f"{where}: {release} must be fiscal year {fy}, effective "
                f"{release_date(release).isoformat()}"
            )
        out.append(
            KnownRelease(
                release=release,
                fiscal_year=fy,
                april=april,
                effective=effective,
                changes_code_set=_field(entry, "changes_code_set", bool, where),
                summary=_field(entry, "summary", str, where),
                source=_field(entry, "source", str, where),
            )
        )
    return tuple(sorted(out, key=lambda r: r.effective))


@functools.cache
def known_files() -> tuple[KnownFile, ...]:
    """Every file in ``known_files.toml``."""
    out = []
    for n, entry in enumerate(_read("known_files.toml").get("file", []), start=1):
        where = f"known_files.toml, file #{n}"
        digest = _field(entry, "sha256", str, where)
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError(f"{where}: sha256 must be 64 lower-case hex digits")
        kind = _field(entry, "kind", str, where)
        if kind not in FILE_KINDS:
            raise ValueError(f"{where}: kind {kind!r} is not one of {sorted(FILE_KINDS)}")
        release = _field(entry, "release", str, where)
        parse_release(release)
        size = entry.get("bytes")
        if size is not None and (not isinstance(size, int) or isinstance(size, bool)):
            raise ValueError(f"{where}: field 'bytes' must be an int")
        out.append(
            KnownFile(
                sha256=digest,
                name=_field(entry, "name", str, where),
                kind=kind,
                release=release,
                bytes=size,
                provenance=_field(entry, "provenance", str, where),
            )
        )
    return tuple(out)


def known_file(sha256: str) -> KnownFile | None:
    """The official file with this sha256 (any case), or None."""
    digest = sha256.strip().lower()
    return next((f for f in known_files() if f.sha256 == digest), None)


def _day(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}"


def _short(release: str) -> str:
    """``October 2025 release``, ``April 2026 update``."""
    return release_label(release).removeprefix("the ")


def service_window(release: str, alongside: Collection[str] = ()) -> ServiceWindow:
    """The dates a dataset of ``release`` serves, given the releases of the same fiscal year
    packaged or built ``alongside`` it.

    A dataset serves from its effective date until the day before the next release of its
    fiscal year that changed the code set (packaged or not: the dates after it belong to
    another code set) or that is built alongside; otherwise to September 30.  It serves
    back over earlier releases of its year only when every release in between, its own
    included, is known to have changed no code and none of them is alongside (then they
    all hold the same codes): the April 2026 update alone serves from October 1, 2025, but
    the January 2021 update, which added six codes, does not serve 2020.  An update CMS is
    not known to have issued counts as one that changed the code set.
    """
    fy, _ = parse_release(release)
    fy_start, fy_end = date(fy - 1, 10, 1), date(fy, 9, 30)
    effective = release_date(release)
    known = {r.release: r for r in known_releases() if r.fiscal_year == fy}
    others = {r for r in known} | {a for a in alongside if parse_release(a)[0] == fy}
    others.add(str(fy))  # every fiscal year opens with an October release
    others.discard(release)
    later = sorted((o for o in others if release_date(o) > effective), key=release_date)
    earlier = sorted((o for o in others if release_date(o) < effective), key=release_date)

    def changed(r: str) -> bool:
        entry = known.get(r)
        return entry is None or entry.changes_code_set

    end, cut, cut_why = fy_end, None, ""
    for nxt in later:
        if nxt in alongside:
            end, cut, cut_why = release_date(nxt) - timedelta(days=1), nxt, "alongside"
            break
        if changed(nxt):
            end, cut, cut_why = release_date(nxt) - timedelta(days=1), nxt, "changed"
            break
    start, blocked_by, changer = effective, None, None
    between = [release]  # releases whose effective date the window would reach back over
    for prev in reversed(earlier):
        changer = next((r for r in between if changed(r)), None)
        if prev in alongside or changer is not None:
            blocked_by = prev
            break
        start = release_date(prev)
        between.append(prev)
    own = _short(release)
    if cut_why == "alongside":
        note = f"{own}; serves until {release_label(str(cut))}"
    elif cut_why == "changed":
        entry = known.get(str(cut))
        what = f" ({entry.summary.split(' (', 1)[0]})" if entry is not None else ""
        note = (
            f"{own}; serves until {_day(end)}, {end.year}: {release_label(str(cut))} changed "
            f"the code set{what}"
        )
    elif start == effective == fy_start:
        note = f"{own} of fiscal year {fy}"
    elif start == fy_start:
        month = MONTHS[effective.month - 1]
        note = (
            f"{own}; without {release_label(str(fy))} it serves the whole fiscal year {fy} "
            f"(CMS's {month} update did not change the code set)"
        )
    elif blocked_by is not None and blocked_by in alongside:
        note = f"{own}; serves {_day(start)} to {_day(end)} {end.year}"
    elif changer is not None and changer != release:
        note = (
            f"{own}; serves {_day(start)} to {_day(end)} {end.year} (the dates before "
            f"{release_label(changer)}, which changed the code set, belong to another code set)"
        )
    else:
        entry = known.get(release)
        what = ""
        if entry is not None and entry.changes_code_set and not entry.april:
            what = f"; this update: {entry.summary.split(' (', 1)[0]}"
        note = (
            f"{own}; serves {_day(start)} to {_day(end)} {end.year} "
            f"({release_label(str(blocked_by))} holds another code set{what})"
        )
    if cut_why and start != effective:
        note += f"; serves from {start.isoformat()} (the releases before it changed no code)"
    return ServiceWindow(start, end, note)
