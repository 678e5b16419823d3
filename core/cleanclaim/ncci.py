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
#: a cell that starts a data row: five ASCII letters or digits (a CPT or HCPCS code).
_ROW_START = re.compile(r"^[A-Za-z0-9]{5}$")
#: an MUE value: a plain whole number (ASCII digits only: ``"²".isdigit()`` is True).
_UNITS = re.compile(r"^[0-9]{1,6}$")
#: NCCI began on January 1, 1996; no edit is effective or deleted before that.
NCCI_START = date(1996, 1, 1)


class NcciFileError(ValueError):
    """An NCCI file that cannot be read; the message names the file and line."""


def decode(data: bytes) -> str:
    """The text of an NCCI file in whichever encoding it came: UTF-16 (Excel's "Unicode
    text", with a BOM or, when every other byte of the start is NUL, without), UTF-8 with
    or without a BOM, else Latin-1 (Excel's "Text (tab delimited)" on Windows, close
    enough for the only non-ASCII character CMS files carry, the copyright sign)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
        return data.decode("utf-16-le", "replace")
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4:
        return data.decode("utf-16-be", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _rows(path: Path, what: str) -> Iterator[tuple[int, list[str]]]:
    """The data rows of ``path``: the lines before the first one are CMS's copyright and
    header lines, and skipped; after it every non-blank line must be a data row (a
    mistyped code is an error, never a row skipped in silence).  No data row at all is an
    error too: an empty table would pass every claim."""
    try:
        if path.exists() and not path.is_file():
            raise NcciFileError(f"{path}: not a file (a folder, a FIFO or a device)")
        data = path.read_bytes()
    except OSError as exc:
        raise NcciFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    text = decode(data)
    delimiter = "\t" if "\t" in text[:65536] else ","
    started = False
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise NcciFileError(f"{path}:{number + 1}: not a row of a {what} file") from None
        number = reader.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if _ROW_START.match(cells[0]):
            started = True
            cells[0] = cells[0].upper()
            yield number, cells
        elif started:
            raise NcciFileError(
                f"{path}:{number}: not a {what} row (the first cell is not a 5-character "
                "procedure code)"
            )
    if not started:
        raise NcciFileError(
            f"{path}: no {what} rows found (rows of a procedure code and the columns of the "
            f"CMS {what} file, tab- or comma-separated)"
        )


def _shown(value: str) -> str:
    """A cell as an error quotes it: short ones as they are, a long one by its length."""
    return repr(value) if len(value) <= 12 else f"a cell of {len(value):,} characters"


def _date(text: str, path: Path, number: int, what: str) -> date | None:
    """A date of the file, or None for ``*`` or blank (what CMS writes for "none")."""
    text = text.strip()
    if text in ("", "*"):
        return None
    for fmt in ("%Y%m%d", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not NCCI_START <= day <= date(9998, 12, 31):
            raise NcciFileError(
                f"{path}:{number}: {what} {day.isoformat()} is not a date of NCCI (which began "
                "on 1996-01-01; CMS writes * or leaves it blank for none)"
            )
        return day
    raise NcciFileError(f"{path}:{number}: {_shown(text)} is not a date (YYYYMMDD, * for none)")


def load_ptp_file(path: Path) -> list[ProcedureEdit]:
    """Read a CMS PTP file.  The deletion date is the first day the edit no longer applies."""
    edits: list[ProcedureEdit] = []
    for number, cells in _rows(path, "PTP"):
        if len(cells) < 6 or not _CODE.match(cells[1].upper()):
            raise NcciFileError(f"{path}:{number}: expected 6 or 7 columns of a PTP row")
        indicator = cells[5]
        if indicator not in ("0", "1", "9"):
            raise NcciFileError(
                f"{path}:{number}: modifier indicator {_shown(indicator)} is not 0, 1 or 9"
            )
        effective = _date(cells[3], path, number, "effective date")
        deleted = _date(cells[4], path, number, "deletion date")
        if effective is not None and deleted is not None and deleted < effective:
            raise NcciFileError(f"{path}:{number}: deletion date before the effective date")
        edits.append(
            ProcedureEdit(
                column1=cells[0],
                column2=cells[1].upper(),
                modifier_indicator=int(indicator),
                effective_from=effective,
                effective_to=deleted - timedelta(days=1) if deleted else None,
                source=f"CMS NCCI PTP file {path.name}, line {number}",
                rationale=cells[6] if len(cells) > 6 else "",
            )
        )
    return edits


def load_mue_file(path: Path) -> list[UnitLimit]:
    """Read a CMS MUE file (practitioner, outpatient hospital or DME layout)."""
    limits: list[UnitLimit] = []
    for number, cells in _rows(path, "MUE"):
        if len(cells) < 3:
            raise NcciFileError(f"{path}:{number}: expected code, MUE value, MAI")
        if not _UNITS.match(cells[1]):
            raise NcciFileError(
                f"{path}:{number}: the MUE value is not a whole number of at most 6 digits"
            )
        mai = cells[2][:1]
        if mai not in ("1", "2", "3"):
            raise NcciFileError(
                f"{path}:{number}: adjudication indicator does not start with 1, 2 or 3"
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
