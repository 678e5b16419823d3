"""Readers for the official CMS NCCI files a user downloads: PTP edits and MUEs.

CMS publishes them quarterly as spreadsheets and text; users export or download them as
tab- or comma-separated text.  The readers look for data rows by shape (two procedure
codes, then dates and an indicator) and skip the copyright and header lines CMS puts on
top, so a file straight from CMS loads without editing.  Bad rows are errors that name
the file and the line: an edit file loaded half-way would silently pass claims it should
stop.

PTP columns: column 1, column 2, existence prior to 1996 (``*`` or blank), effective
date, deletion date (``*`` when none), modifier indicator (0, 1 or 9), rationale.
MUE columns: code, MUE value, adjudication indicator (the MAI: its text begins with 1, 2
or 3), rationale.

The kernel also bundles practitioner MUE values copied from one quarter's CMS table
(``data/mue_practitioner.toml``, read by :func:`load_bundled_mue`); they feed the same
unit-limit index as plugin data, so an official file still replaces them code by code.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from cleanclaim.contributions import ProcedureEdit, UnitLimit

_CODE = re.compile(r"^[A-Z0-9]{4}[A-Z0-9]$")


class NcciFileError(ValueError):
    """An NCCI file that cannot be read; the message names the file and line."""


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise NcciFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    delimiter = "\t" if "\t" in text[:4096] else ","
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if cells and _CODE.match(cells[0].upper()):
            yield number, cells


def _date(text: str, path: Path, number: int) -> date | None:
    text = text.strip()
    if text in ("", "*"):
        return None
    for fmt in ("%Y%m%d", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise NcciFileError(f"{path}:{number}: {text!r} is not a date (YYYYMMDD)")


def load_ptp_file(path: Path) -> list[ProcedureEdit]:
    """Read a CMS PTP file.  The deletion date is the first day the edit no longer applies."""
    edits: list[ProcedureEdit] = []
    for number, cells in _rows(path):
        if len(cells) < 6 or not _CODE.match(cells[1].upper()):
            raise NcciFileError(f"{path}:{number}: expected 6 or 7 columns of a PTP row")
        indicator = cells[5]
        if indicator not in ("0", "1", "9"):
            raise NcciFileError(
                f"{path}:{number}: modifier indicator {indicator!r} is not 0, 1 or 9"
            )
        deleted = _date(cells[4], path, number)
        edits.append(
            ProcedureEdit(
                column1=cells[0],
                column2=cells[1],
                modifier_indicator=int(indicator),
                effective_from=_date(cells[3], path, number),
                effective_to=deleted - timedelta(days=1) if deleted else None,
                source=f"CMS NCCI PTP file {path.name}, line {number}",
                rationale=cells[6] if len(cells) > 6 else "",
            )
        )
    return edits


def load_mue_file(path: Path) -> list[UnitLimit]:
    """Read a CMS MUE file (practitioner, outpatient hospital or DME layout)."""
    limits: list[UnitLimit] = []
    for number, cells in _rows(path):
        if len(cells) < 3 or not cells[1].isdigit():
            raise NcciFileError(f"{path}:{number}: expected code, MUE value, MAI")
        mai = cells[2][:1]
        if mai not in ("1", "2", "3"):
            raise NcciFileError(
                f"{path}:{number}: adjudication indicator {cells[2]!r} is not 1, 2 or 3"
            )
        limits.append(
            UnitLimit(
                code=cells[0],
                max_units=int(cells[1]),
                adjudication=int(mai),
                source=f"CMS NCCI MUE file {path.name}, line {number}",
            )
        )
    return limits


#: where the bundled table lives inside the kernel package.
BUNDLED_MUE_FILE = "data/mue_practitioner.toml"


@dataclass(frozen=True, slots=True)
class BundledMue:
    """The practitioner MUE values bundled with the kernel, and the quarter they are from.

    ``valid_to`` is the last date of service of that quarter: after it the values may
    have changed, and CLM204 reports on them as warnings that say so.
    """

    limits: tuple[UnitLimit, ...]
    quarter: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    seen_at: str = ""

    @property
    def label(self) -> str:
        """The source every bundled limit names."""
        return f"CMS NCCI practitioner MUE table, {self.quarter} (bundled copy; {self.seen_at})"

    def is_bundled(self, limit: UnitLimit) -> bool:
        return bool(self.limits) and limit.source == self.label

    def stale_on(self, day: date) -> bool:
        """True for a date of service after the quarter the values come from."""
        return self.valid_to is not None and day > self.valid_to


def _table_date(value: Any, origin: str, key: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise NcciFileError(
            f"{origin}: [table] {key} {value!r} is not a date (YYYY-MM-DD)"
        ) from None


def read_bundled_mue(source: Path | Traversable, origin: str | None = None) -> BundledMue:
    """Read a bundled MUE table (``[table]`` provenance and ``[[limit]]`` rows).

    Rows without a quarter, its dates and where the copy was read are refused: a value
    whose provenance is unknown must not make an error.
    """
    from cleanclaim.config import read_toml

    where = origin or str(source)
    doc = read_toml(source, where, "bundled MUE table", NcciFileError)
    rows = doc.get("limit", [])
    table = doc.get("table", {})
    if not isinstance(rows, list) or not isinstance(table, dict):
        raise NcciFileError(f"{where}: expected a [table] and [[limit]] rows")
    if not rows:
        return BundledMue(limits=())
    for key in ("quarter", "valid_from", "valid_to", "seen_at"):
        if not str(table.get(key, "")).strip():
            raise NcciFileError(f"{where}: [table] {key} is required when rows are present")
    bundle = BundledMue(
        limits=(),
        quarter=str(table["quarter"]),
        valid_from=_table_date(table["valid_from"], where, "valid_from"),
        valid_to=_table_date(table["valid_to"], where, "valid_to"),
        seen_at=str(table["seen_at"]),
    )
    limits = []
    for number, row in enumerate(rows, start=1):
        code = str(row.get("code", "")).upper() if isinstance(row, dict) else ""
        mue, mai = (row.get("mue"), row.get("mai")) if isinstance(row, dict) else (None, None)
        if not _CODE.match(code) or not isinstance(mue, int) or mue < 0 or mai not in (1, 2, 3):
            raise NcciFileError(
                f"{where}: [[limit]] row {number}: expected code (5 characters), mue (a whole "
                "number) and mai (1, 2 or 3)"
            )
        limits.append(
            UnitLimit(
                code=code,
                max_units=mue,
                adjudication=mai,
                effective_from=bundle.valid_from,
                source=bundle.label,
            )
        )
    return BundledMue(
        limits=tuple(limits),
        quarter=bundle.quarter,
        valid_from=bundle.valid_from,
        valid_to=bundle.valid_to,
        seen_at=bundle.seen_at,
    )


_BUNDLED: list[BundledMue] = []


def bundled_mue() -> BundledMue:
    """The kernel's bundled table, read once per process."""
    if not _BUNDLED:
        _BUNDLED.append(
            read_bundled_mue(
                files("cleanclaim") / BUNDLED_MUE_FILE, f"cleanclaim/{BUNDLED_MUE_FILE}"
            )
        )
    return _BUNDLED[0]
