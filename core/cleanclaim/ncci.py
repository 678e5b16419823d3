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

import contextlib
import csv
import hashlib
import json
import os
import re
import sys
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from cleanclaim import collector
from cleanclaim.plugin_data import ProcedureEdit, UnitLimit
from cleanclaim.tables import EditEntry

_CODE = re.compile(r"^[A-Z0-9]{4}[A-Z0-9]$")
#: a cell that starts a data row: five ASCII letters or digits (a CPT or HCPCS code).
_ROW_START = re.compile(r"^[A-Za-z0-9]{5}$")
#: an MUE value: a plain whole number (ASCII digits only: ``"²".isdigit()`` is True).
_UNITS = re.compile(r"^[0-9]{1,6}$")
#: NCCI began on January 1, 1996; no edit is effective or deleted before that.
NCCI_START = date(1996, 1, 1)


#: a checked PTP row: line, column 1, column 2, modifier indicator, effective from, last
#: day in force (the day before the deletion date), rationale.
_PtpRow = tuple[int, str, str, int, date | None, date | None, str]


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


class UnreadableRow(Exception):
    """A line the csv module cannot read; ``line`` is its 1-based number."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def delimited_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` of a tab- or comma-separated text (tab when the start of
    the text holds one), the one row reader of the NCCI and CPT-descriptor files; a line
    the csv module cannot read raises :class:`UnreadableRow`."""
    delimiter = "\t" if "\t" in text[:65536] else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise UnreadableRow(number + 1) from None
        number = reader.line_num
        yield number, row


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
    started = False
    try:
        for number, row in delimited_rows(decode(data)):
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
    except UnreadableRow as exc:
        raise NcciFileError(f"{path}:{exc.line}: not a row of a {what} file") from None
    if not started:
        raise NcciFileError(
            f"{path}: no {what} rows found (rows of a procedure code and the columns of the "
            f"CMS {what} file, tab- or comma-separated)"
        )


def _shown(value: str) -> str:
    """A cell as an error quotes it: short ones as they are, a long one by its length."""
    return repr(value) if len(value) <= 12 else f"a cell of {len(value):,} characters"


#: dates already read (a PTP file of 2 million rows has a few thousand distinct ones);
#: only good dates are kept, so an error still names its own line.
_DATES: dict[str, date] = {}


def _date(text: str, path: Path, number: int, what: str) -> date | None:
    """A date of the file, or None for ``*`` or blank (what CMS writes for "none")."""
    known = _DATES.get(text)
    if known is not None:
        return known
    day = _read_date(text, path, number, what)
    if day is not None and len(_DATES) < 100_000:
        _DATES[text] = day
    return day


def _read_date(text: str, path: Path, number: int, what: str) -> date | None:
    text = text.strip()
    if text in ("", "*"):
        return None
    for fmt in ("%Y%m%d", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            if fmt == "%Y%m%d" and len(text) == 8 and text.isascii() and text.isdigit():
                # CMS's own layout, without strptime (slow, and run on millions of cells)
                day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            else:
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


def _ptp_rows(path: Path) -> Iterator[_PtpRow]:
    """The PTP rows of ``path``, checked (every bad row an error naming file and line)."""
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
        yield (
            number,
            cells[0],
            cells[1].upper(),
            int(indicator),
            effective,
            deleted - timedelta(days=1) if deleted else None,
            cells[6] if len(cells) > 6 else "",
        )


def _edit(path: Path, row: _PtpRow) -> ProcedureEdit:
    number, column1, column2, indicator, effective, last, rationale = row
    return ProcedureEdit(
        column1=column1,
        column2=column2,
        modifier_indicator=indicator,  # 0, 1 or 9: checked by _ptp_rows
        effective_from=effective,
        effective_to=last,
        citation=f"CMS NCCI PTP file {path.name}, line {number}",
        rationale=rationale,
    )


def load_ptp_file(path: Path) -> list[ProcedureEdit]:
    """Read a CMS PTP file.  The deletion date is the first day the edit no longer applies.

    Every row becomes a :class:`ProcedureEdit` (2 million rows: tens of seconds and GBs);
    the engine reads official files through :func:`official_ptp`, compiled once.
    """
    return [_edit(path, row) for row in _ptp_rows(path)]


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
                citation=f"CMS NCCI MUE file {path.name}, line {number}",
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
        """The citation every bundled limit carries."""
        return f"CMS NCCI practitioner MUE table, {self.quarter} (bundled copy; {self.seen_at})"

    def is_bundled(self, limit: UnitLimit) -> bool:
        return bool(self.limits) and limit.citation == self.label

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
                citation=bundle.label,
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


# -- the compiled cache of official PTP files ------------------------------------------------
#
# The CMS practitioner PTP tables hold about 2 million edits: read into ProcedureEdit
# objects they cost every command tens of seconds and GBs.  So an official file is
# compiled once into a cache keyed by its sha256, in the user's cache folder
# ($XDG_CACHE_HOME/cleanclaim/ncci, else ~/.cache/cleanclaim/ncci), and later commands
# read plain arrays and build an edit only for the pairs a claim bills.
#
# The cache is a file anyone with the user's rights can write, so it is data, never code:
# no pickle.  Its layout:
#
#   line 1   the sha256 (hex) of everything after line 1
#   line 2   a JSON header: format, version, byte order, the source's sha256, the number of
#            rows and of distinct pairs, the procedure codes and rationales (sorted,
#            referred to by index) and the arrays that follow (name, typecode, length)
#   payload  the arrays, one after another: keys (column 1 index * number of codes +
#            column 2 index, sorted), effective-from and last days (days after 1995-12-30,
#            0: none), modifier indicators, line numbers, rationale indexes
#
# A cache whose digest, header or arrays do not hold together (a flipped bit, a truncated
# write, an index out of range, keys out of order) is compiled again from the official
# file, so it never changes an answer.  A cache folder that cannot be written only means
# the file is compiled in memory each time.

CACHE_FORMAT = "cleanclaim-ncci-ptp"
CACHE_VERSION = 2
#: the arrays of the payload, in order, and the typecodes each may be stored in.
_ARRAYS = (
    ("keys", "Q"),
    ("start", "HI"),
    ("last", "HI"),
    ("indicator", "B"),
    ("line", "I"),
    ("rationale", "BHI"),
)
#: pairs whose edits :class:`CompiledPtp` keeps built (a few MB at most).
_ENTRY_MEMO = 50_000
#: dates are stored as days after this one (0: none); NCCI's first possible date, the
#: day before it began (an edit deleted on its first day), is 1.
_BASE = NCCI_START.toordinal() - 2
_LAST_ORDINAL = date(9998, 12, 31).toordinal()


def cache_dir() -> Path:
    """Where compiled PTP files live: ``$XDG_CACHE_HOME/cleanclaim/ncci`` (the XDG base
    directory specification: a relative value is ignored), else ``~/.cache/...``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "cleanclaim" / "ncci"


class CompiledPtp:
    """One official PTP file as sorted arrays: look-ups by pair, edits built on demand.

    Read-only after it is made, so one instance may be shared between threads (its memo
    of built edits is filled with single dictionary operations; a lost race builds an
    entry twice).
    """

    def __init__(self, path: Path, header: dict[str, Any], arrays: dict[str, Any]) -> None:
        self.path = path
        self.rows: int = header["rows"]
        self.pairs: int = header["pairs"]
        self._codes: list[str] = header["codes"]
        self._index = {code: i for i, code in enumerate(self._codes)}
        self._rationales: list[str] = header["rationales"]
        self._keys = arrays["keys"]
        self._start = arrays["start"]
        self._last = arrays["last"]
        self._indicator = arrays["indicator"]
        self._line = arrays["line"]
        self._rationale = arrays["rationale"]
        self._memo: dict[int, list[ProcedureEdit]] = {}

    def codes(self) -> frozenset[str]:
        """Every procedure code the file names."""
        return frozenset(self._codes)

    def edits(self, column1: str, column2: str) -> list[ProcedureEdit]:
        """The file's edits for the pair, in file order (empty when it has none)."""
        first, second = self._index.get(column1), self._index.get(column2)
        if first is None or second is None:
            return []
        key = first * len(self._codes) + second
        built = self._memo.get(key)
        if built is not None:
            return built
        keys = self._keys
        at = bisect_left(keys, key)
        out = []
        while at < len(keys) and keys[at] == key:
            start, last = self._start[at], self._last[at]
            row = (
                self._line[at],
                column1,
                column2,
                self._indicator[at],
                date.fromordinal(_BASE + start) if start else None,
                date.fromordinal(_BASE + last) if last else None,
                self._rationales[self._rationale[at]],
            )
            out.append(_edit(self.path, row))
            at += 1
        if len(self._memo) >= _ENTRY_MEMO:
            self._memo.clear()
        self._memo[key] = out
        return out

    def pairs_with_edits(self) -> Iterator[tuple[str, str]]:
        """Every pair with an edit (2 million in the CMS tables: for completeness only)."""
        codes, count, previous = self._codes, len(self._codes), -1
        for key in self._keys:
            if key != previous:
                previous = key
                yield codes[key // count], codes[key % count]


def _smallest(values: list[int], choices: str) -> array[int]:
    """``values`` in the first typecode of ``choices`` that holds them all."""
    top = max(values, default=0)
    for code in choices:
        if top < 1 << (8 * array(code).itemsize):
            return array(code, values)
    raise NcciFileError("a value too large for the cache")  # pragma: no cover - 32 bits


def _compile(path: Path, digest: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse an official PTP file (every row checked) into the cache's header and arrays.

    Streamed into compact columns (the rows are never all objects at once), then sorted
    by pair; rows of one pair keep their order in the file.
    """
    # millions of short-lived rows create no cycles: the cyclic collector would only
    # rescan them again and again (a third of the time of a 2-million-row file)
    with collector.paused():
        return _compile_rows(path, digest)


def _compile_rows(path: Path, digest: str) -> tuple[dict[str, Any], dict[str, Any]]:
    seen: dict[str, int] = {}
    said: dict[str, int] = {}
    firsts, seconds, lines = array("I"), array("I"), array("I")
    starts, lasts, indicators, rationales = array("I"), array("I"), array("B"), array("I")
    for number, column1, column2, indicator, effective, last, rationale in _ptp_rows(path):
        firsts.append(seen.setdefault(column1, len(seen)))
        seconds.append(seen.setdefault(column2, len(seen)))
        starts.append(effective.toordinal() - _BASE if effective else 0)
        lasts.append(last.toordinal() - _BASE if last else 0)
        indicators.append(indicator)
        lines.append(number)
        rationales.append(said.setdefault(rationale, len(said)))
    codes = sorted(seen)
    rank = [0] * len(seen)
    for final, code in enumerate(codes):
        rank[seen[code]] = final
    count = len(codes)
    keys = [rank[a] * count + rank[b] for a, b in zip(firsts, seconds, strict=True)]
    del firsts, seconds
    order = sorted(range(len(keys)), key=keys.__getitem__)
    arrays = {
        "keys": array("Q", [keys[i] for i in order]),
        "start": _smallest([starts[i] for i in order], "HI"),
        "last": _smallest([lasts[i] for i in order], "HI"),
        "indicator": array("B", [indicators[i] for i in order]),
        "line": array("I", [lines[i] for i in order]),
        "rationale": _smallest([rationales[i] for i in order], "BHI"),
    }
    header = {
        "format": CACHE_FORMAT,
        "version": CACHE_VERSION,
        "byteorder": sys.byteorder,
        "source_sha256": digest,
        "rows": len(keys),
        "pairs": len(set(keys)),
        "codes": codes,
        "rationales": list(said),
        "arrays": [[name, arrays[name].typecode, len(keys)] for name, _ in _ARRAYS],
    }
    return header, arrays


def _write_cache(target: Path, header: dict[str, Any], arrays: dict[str, Any]) -> None:
    """Write the cache beside its final name and rename it into place when whole."""
    body = json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n"
    payload = b"".join(arrays[name].tobytes() for name, _ in _ARRAYS)
    digest = hashlib.sha256(body)
    digest.update(payload)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".ptp-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(digest.hexdigest().encode("ascii") + b"\n")
                out.write(body)
                out.write(payload)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:  # a read-only or full cache folder: compiled in memory next time too
        return


def _header_holds(header: Any, digest: str) -> bool:
    if not isinstance(header, dict):
        return False
    rows, codes, arrays = header.get("rows"), header.get("codes"), header.get("arrays")
    return (
        header.get("format") == CACHE_FORMAT
        and header.get("version") == CACHE_VERSION
        and header.get("byteorder") == sys.byteorder
        and header.get("source_sha256") == digest
        and type(rows) is int
        and rows > 0  # an official file with no edit rows is an error, never cached
        and type(header.get("pairs")) is int
        and isinstance(codes, list)
        and 0 < len(codes) < 1 << 32
        and all(isinstance(c, str) and _CODE.match(c) for c in codes)
        and isinstance(header.get("rationales"), list)
        and len(header["rationales"]) > 0
        and all(isinstance(r, str) for r in header["rationales"])
        and isinstance(arrays, list)
        and len(arrays) == len(_ARRAYS)
        and all(
            isinstance(given, list)
            and len(given) == 3
            and given[0] == name
            and isinstance(given[1], str)
            and len(given[1]) == 1
            and given[1] in choices
            and given[2] == rows
            for given, (name, choices) in zip(arrays, _ARRAYS, strict=True)
        )
    )


def _read_cache(target: Path, digest: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The cache's header and arrays if every part of it holds together, else None."""
    try:
        data = target.read_bytes()
    except OSError:
        return None
    try:
        first = data.index(b"\n")
        second = data.index(b"\n", first + 1)
        if hashlib.sha256(memoryview(data)[first + 1 :]).hexdigest().encode() != data[:first]:
            return None
        header = json.loads(data[first + 1 : second])
        if not _header_holds(header, digest):
            return None
        rows: int = header["rows"]
        arrays: dict[str, Any] = {}
        at = second + 1
        view = memoryview(data)
        for name, code, _ in header["arrays"]:
            values = array(code)
            size = values.itemsize * rows
            values.frombytes(view[at : at + size])
            if len(values) != rows:
                return None
            arrays[name] = values
            at += size
        if at != len(data) or not _arrays_hold(header, arrays):
            return None
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    return header, arrays


def _in_range(values: array[int], count: int) -> bool:
    """Every value below ``count``; one-byte arrays at C speed, the others with ``max``."""
    if values.typecode == "B" and count <= 256:
        return not values.tobytes().translate(None, bytes(range(count)))
    return max(values) < count


def _arrays_hold(header: dict[str, Any], arrays: dict[str, Any]) -> bool:
    """Keys in order and naming codes of the header, indicators 0, 1 or 9, rationales of
    the header, dates NCCI's: checked, never trusted (a cache is anyone's file)."""
    codes = len(header["codes"])
    keys = arrays["keys"]
    if keys[-1] >= codes * codes:
        return False
    step = 1 << 16  # in pieces (overlapping by one): a list of 2 million ints is 80 MB
    for at in range(0, len(keys), step):
        piece = keys[at : at + step + 1].tolist()
        if piece != sorted(piece):
            return False
    if arrays["indicator"].tobytes().translate(None, b"\x00\x01\x09"):
        return False
    if not _in_range(arrays["rationale"], len(header["rationales"])):
        return False
    # a 16-bit day count always lands between 1996 and 2175; a 32-bit one is checked
    return all(
        arrays[name].typecode == "H" or max(arrays[name]) <= _LAST_ORDINAL - _BASE
        for name in ("start", "last")
    )


def compiled_ptp(path: Path) -> CompiledPtp:
    """An official PTP file through its cache: compiled and cached on first use (or when
    the cache does not hold together), read from the cache afterwards."""
    try:
        if path.exists() and not path.is_file():
            raise NcciFileError(f"{path}: not a file (a folder, a FIFO or a device)")
        with path.open("rb") as source:
            digest = hashlib.file_digest(source, "sha256").hexdigest()
    except OSError as exc:
        raise NcciFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    target = cache_dir() / f"ptp-{digest}.v{CACHE_VERSION}"
    cached = _read_cache(target, digest)
    if cached is None:
        cached = _compile(path, digest)
        _write_cache(target, *cached)
    return CompiledPtp(path, *cached)


class OfficialEdits(Mapping[tuple[str, str], tuple[EditEntry, ...]]):
    """The official PTP files of a configuration, as the engine's ``official_edits``:
    ``(column 1, column 2)`` to the edits of every file, in the order of the files."""

    def __init__(self, files: Sequence[CompiledPtp]) -> None:
        self.files = tuple(files)  # a tuple: rules reach it through ``ctx.tables``

    def __getitem__(self, pair: tuple[str, str]) -> tuple[EditEntry, ...]:
        found = tuple(
            EditEntry(edit, "CMS NCCI PTP") for table in self.files for edit in table.edits(*pair)
        )
        if not found:
            raise KeyError(pair)
        return found

    def get(self, pair: tuple[str, str], default: Any = None) -> Any:  # the hot path
        try:
            return self[pair]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[tuple[str, str]]:
        seen: set[tuple[str, str]] = set()
        for table in self.files:
            for pair in table.pairs_with_edits():
                if pair not in seen:
                    seen.add(pair)
                    yield pair

    def __len__(self) -> int:
        if len(self.files) == 1:
            return self.files[0].pairs
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return any(table.rows for table in self.files)

    def codes(self) -> frozenset[str]:
        """Every procedure code an official edit names."""
        return frozenset().union(*(table.codes() for table in self.files))


def official_ptp(paths: Sequence[Path]) -> OfficialEdits:
    """The engine's view of official PTP files, each read through its compiled cache."""
    return OfficialEdits([compiled_ptp(path) for path in paths])
