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
    "known_file",
    "known_files",
    "known_releases",
    "parse_release",
    "service_window",
]

_RELEASE = re.compile(r"^(?P<fy>\d{4})(?P<april>-April)?$")
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


def parse_release(release: str) -> tuple[int, bool]:
    """``"2027"`` -> ``(2027, False)``, ``"2027-April"`` -> ``(2027, True)``."""
    m = _RELEASE.match(release)
    if m is None:
        raise ValueError(f"release {release!r}: expected '<YEAR>' or '<YEAR>-April'")
    return int(m["fy"]), m["april"] is not None


def release_date(release: str) -> date:
    """October 1 before the fiscal year for an October release, April 1 for an update."""
    fy, april = parse_release(release)
    return date(fy, 4, 1) if april else date(fy - 1, 10, 1)


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


def service_window(release: str, alongside: Collection[str] = ()) -> ServiceWindow:
    """The dates a dataset of ``release`` serves, given the releases of the same fiscal year
    packaged or built ``alongside`` it.

    An October release serves from October 1 until the next update of its fiscal year that
    changed the code set (packaged or not: the dates after it belong to another code set) or
    one built alongside; otherwise to September 30.  An April update serves from April 1,
    and from October 1 when the October release is not alongside and CMS's update is known
    not to have changed the code set (then both hold the same codes).
    """
    fy, april = parse_release(release)
    fy_start, fy_end = date(fy - 1, 10, 1), date(fy, 9, 30)
    april_1 = date(fy, 4, 1)
    known = {r.release: r for r in known_releases()}
    if not april:
        update = known.get(f"{fy}-April")
        if f"{fy}-April" in alongside:
            note = f"October {fy - 1} release; serves until the April {fy} update"
            return ServiceWindow(fy_start, april_1 - timedelta(days=1), note)
        if update is not None and update.changes_code_set:
            note = (
                f"October {fy - 1} release; serves until March 31, {fy}: the April {fy} "
                f"update changed the code set ({update.summary.split(' (', 1)[0]})"
            )
            return ServiceWindow(fy_start, april_1 - timedelta(days=1), note)
        return ServiceWindow(fy_start, fy_end, f"October {fy - 1} release of fiscal year {fy}")
    update = known.get(release)
    if str(fy) in alongside:
        return ServiceWindow(
            april_1, fy_end, f"April {fy} update; serves April 1 to September 30 {fy}"
        )
    if update is not None and not update.changes_code_set:
        note = (
            f"April {fy} update; without the October {fy - 1} release it serves the whole "
            f"fiscal year {fy} (CMS's April update did not change the code set)"
        )
        return ServiceWindow(fy_start, fy_end, note)
    note = (
        f"April {fy} update; serves April 1 to September 30 {fy} (the October {fy - 1} "
        "release holds another code set)"
    )
    return ServiceWindow(april_1, fy_end, note)
