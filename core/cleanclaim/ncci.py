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
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

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
