"""The flat CSV a billing system exports: one row per service line (format ``csv-lines``).

Consecutive rows with the same ``claim_id`` are one claim; the claim-level columns (date,
payer, patient, place of service, specialty, ``dx1``..``dx12``) may be repeated on every
row or written on the first only, and two rows of a claim that disagree are an error naming
the row and column.  Rows are read one at a time and a claim is handed on as soon as the
next claim id starts, so a file of millions of rows is checked in flat memory; the ids of
the claims already read are remembered in 8 bytes each (`_SeenIds`), so a claim id that
comes back later in the file is an error and never silently a second claim.

Column names are matched case-insensitively, with spaces, hyphens and underscores alike
(``Claim ID`` = ``claim_id``, ``DX 1`` = ``dx1``); an unknown column is an error naming it.
The columns, value formats and separators are in docs/guides/flat-csv.md.

This is not the ``claim_json`` CSV of ``check --batch`` (one JSON claim per row), which
keeps working: [`detect`][cleanclaim.formats.flatcsv.FlatCsvReader.detect] says yes only
for a header of this format's columns.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from cleanclaim.formats.base import FormatError, Origin, ReadClaim, by_date
from cleanclaim.models import MAX_DIAGNOSES, MAX_LINES, shown

NAME = "csv-lines"

DX_COLUMNS = tuple(f"dx{n}" for n in range(1, MAX_DIAGNOSES + 1))
#: columns that belong to the claim: equal (or blank) on every row of one claim.
CLAIM_COLUMNS = (
    "claim_id",
    "date_of_service",
    "payer",
    "patient_age",
    "patient_sex",
    "place_of_service",
    "specialty",
    *DX_COLUMNS,
)
#: columns of the row's service line.
LINE_COLUMNS = ("procedure", "modifiers", "units", "minutes", "pointers", "charge")
COLUMNS = frozenset((*CLAIM_COLUMNS, *LINE_COLUMNS))
_LINE_COLUMNS = frozenset(LINE_COLUMNS)
#: a header must have these to be read as this format.
REQUIRED = ("claim_id", "date_of_service", "dx1", "procedure")

#: modifiers and pointers are separated by commas, semicolons, colons, pipes or spaces
#: (``GP,KX``; ``1:2``; ``A B``).
_SEPARATORS = re.compile(r"[,;:|\s]+")
_LETTERS = re.compile(r"^[A-La-l]+$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SEX = {"f": "F", "female": "F", "m": "M", "male": "M", "u": "U", "unknown": "U"}
_NAME_CHARS = re.compile(r"[\s_-]+")
_DX_NAME = re.compile(r"^dx_?(\d+)$")
#: the largest row read (bytes); a longer one is an error for that claim, not held whole.
MAX_ROW_BYTES = 1024 * 1024
_BOM = b"\xef\xbb\xbf"


#: the delimiters a billing export uses; the header's most frequent one is the file's.
DELIMITERS = (",", "\t", ";", "|")


def sniff_delimiter(header: str) -> str:
    """The delimiter of a header line: whichever of `DELIMITERS` it holds most of (a comma
    when it holds none: a file of one column)."""
    return max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","


def column_key(name: str) -> str:
    """A header cell as this format's column name: ``Claim ID`` -> ``claim_id``,
    ``DX 1`` / ``dx_1`` -> ``dx1``."""
    key = _NAME_CHARS.sub("_", name.strip().lower()).strip("_")
    match = _DX_NAME.match(key)
    return f"dx{int(match[1])}" if match else key


class FlatCsvReader:
    """The ``csv-lines`` input format (the [`Reader`][cleanclaim.formats.base.Reader]
    protocol)."""

    name = NAME

    def detect(self, head: bytes) -> bool:
        """True when the first line is a header holding ``claim_id``, ``date_of_service``,
        ``dx1`` and ``procedure`` (names matched as the reader matches them) and no
        ``claim_json`` column: a ``claim_json`` CSV is never taken for this one."""
        text = head[len(_BOM) :] if head.startswith(_BOM) else head
        first = text.split(b"\n", 1)[0].rstrip(b"\r")
        try:
            line = first.decode("utf-8")
            cells = next(csv.reader([line], delimiter=sniff_delimiter(line)))
        except (UnicodeDecodeError, csv.Error, StopIteration):
            return False
        keys = {column_key(cell) for cell in cells}
        return "claim_json" not in keys and all(name in keys for name in REQUIRED)

    def read(self, stream: IO[bytes], file: str | None) -> Iterator[ReadClaim]:
        """Every claim of the file in file order (see the module's docstring)."""
        return read(stream, file)


class _SeenIds:
    """Claim ids already read, 8 bytes each: a set of recent digests, merged into sorted
    arrays of doubling size (``array('Q')``, looked up with ``bisect``), so ten million
    claims take some 80 MB rather than the gigabyte a set of strings would.

    Two different ids share a 64-bit digest with probability about n**2 / 2**65 (10**-5
    for ten million claims): such a pair would be reported as a reappearing id, never
    merged into one claim.
    """

    FRESH = 4096

    def __init__(self) -> None:
        self.fresh: set[int] = set()
        self.levels: list[array[int]] = []

    @staticmethod
    def digest(claim_id: str) -> int:
        raw = hashlib.blake2b(claim_id.encode("utf-8", "surrogatepass"), digest_size=8)
        return int.from_bytes(raw.digest(), "big")

    def add(self, key: int) -> None:
        self.fresh.add(key)
        if len(self.fresh) >= self.FRESH:
            run = array("Q", sorted(self.fresh))
            self.fresh.clear()
            while self.levels and len(self.levels[-1]) <= len(run):
                run = array("Q", heapq.merge(self.levels.pop(), run))
            self.levels.append(run)

    def __contains__(self, key: int) -> bool:
        if key in self.fresh:
            return True
        for level in self.levels:
            at = bisect_left(level, key)
            if at < len(level) and level[at] == key:
                return True
        return False


@dataclass
class _Claim:
    """The rows of one claim as they are read."""

    claim_id: str
    first_row: int
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # column -> (value, row)
    lines: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    #: each line's own date_of_service cell (value, row), None when blank
    dates: list[tuple[str, int] | None] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)
    #: a row of it could not be read: its errors say so, and no more is made of it
    spoilt: bool = False


class _Rows:
    """The physical lines of the file for :mod:`csv`, decoded strictly and counted, so a
    record knows the line it starts on and a row with bytes that are not UTF-8 is an
    error rather than a row read with replaced characters."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.line = 0
        self.bad: int | None = None
        self.long = False

    def __iter__(self) -> _Rows:
        return self

    def __next__(self) -> str:
        raw = self.stream.readline(MAX_ROW_BYTES + 1)
        if not raw:
            raise StopIteration
        if self.line == 0 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        self.line += 1
        if len(raw) > MAX_ROW_BYTES:  # the rest of the line is skipped, never held
            self.long = True
            while raw and not raw.endswith(b"\n"):
                raw = self.stream.readline(MAX_ROW_BYTES)
            return "\n"
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if self.bad is None:
                self.bad = exc.start
            return raw.decode("utf-8", "replace")


def read(stream: IO[bytes], file: str | None = None) -> Iterator[ReadClaim]:
    """The claims of one flat CSV file, one at a time (see the module's docstring).

    Raises ``FormatError`` naming the file when its header cannot be used (an unknown or
    repeated column, a required column missing); a bad row is an error of its claim.
    """
    previous = csv.field_size_limit(MAX_ROW_BYTES + 1)
    try:
        yield from _read(stream, file)
    finally:
        csv.field_size_limit(previous)


def _header(cells: list[str], name: str) -> list[tuple[str, str]]:
    """(column key, name as written) per header cell; a bad header raises FormatError."""
    out: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for number, cell in enumerate(cells, start=1):
        written = cell.strip()
        key = column_key(written)
        if key not in COLUMNS:
            label = repr(written) if re.fullmatch(r"[\w .\-]{1,40}", written) else shown(written)
            raise FormatError(
                f"{name}: line 1, column {number}: unknown column {label}; the columns are "
                f"{', '.join(CLAIM_COLUMNS[:7])}, dx1..dx{MAX_DIAGNOSES}, "
                f"{', '.join(LINE_COLUMNS)} (docs/guides/flat-csv.md)"
            )
        if key in seen:
            raise FormatError(f"{name}: line 1: the column {key} is given twice")
        seen[key] = written
        out.append((key, written))
    dx = [column for column in DX_COLUMNS if column in seen]
    if dx != list(DX_COLUMNS[: len(dx)]):
        gap = next(c for c in DX_COLUMNS if c not in seen)
        raise FormatError(f"{name}: line 1: the header has dx columns after {gap} but no {gap}")
    missing = [column for column in REQUIRED if column not in seen]
    if missing:
        raise FormatError(f"{name}: line 1: the header has no {', '.join(missing)} column")
    return out


def _read(stream: IO[bytes], file: str | None) -> Iterator[ReadClaim]:
    name = file or "<input>"
    rows = _Rows(stream)
    first = next(rows, None)
    if first is None:
        return
    if rows.bad is not None:
        raise FormatError(f"{name}: line 1: not UTF-8 text (byte {rows.bad})")
    if rows.long:
        raise FormatError(f"{name}: line 1: the CSV header cannot be read")
    delimiter = sniff_delimiter(first)
    try:
        head = next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error:
        raise FormatError(f"{name}: line 1: the CSV header cannot be read") from None
    reader = csv.reader(rows, delimiter=delimiter)
    columns = _header(head, name)
    written = dict(columns)
    seen = _SeenIds()
    current: _Claim | None = None
    while True:
        start = rows.line + 1
        rows.bad = None
        rows.long = False
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reader = csv.reader(rows, delimiter=delimiter)  # the old one is mid-record
            problem = f"row {start}: not a CSV record ({exc})"
            if current is not None:
                current.errors.append(problem)
                current.spoilt = True
            else:
                yield _lone(start, problem, file)
            continue
        if rows.long:  # no cells to tell its claim: it spoils the claim being read
            problem = f"row {start}: longer than {MAX_ROW_BYTES:,} bytes: not read"
            if current is not None:
                current.errors.append(problem)
                current.spoilt = True
            else:
                yield _lone(start, problem, file)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        problem = ""
        if rows.bad is not None:
            problem = f"row {start}: not UTF-8 text (byte {rows.bad} of the line)"
        elif len(cells) > len(columns):
            problem = f"row {start}: {len(cells)} cells for {len(columns)} columns"
        row = {
            key: cells[n].strip() if n < len(cells) else "" for n, (key, _) in enumerate(columns)
        }
        claim_id = row.get("claim_id", "")
        if not claim_id or "\ufffd" in claim_id:
            problem = problem or f"row {start}, column {written['claim_id']}: empty"
            if current is not None and "\ufffd" in claim_id:
                current.errors.append(problem)  # its claim cannot be told: this one is spoilt
                current.spoilt = True
            else:
                yield _lone(start, problem, file)
            continue
        if current is None or claim_id != current.claim_id:
            if current is not None:
                yield from _finish(current, file, written)
            key = seen.digest(claim_id)
            current = _Claim(claim_id, start)
            if key in seen:
                current.errors.append(
                    f"row {start}, column {written['claim_id']}: this claim id appeared "
                    "earlier in the file, with other claims between; the rows of a claim "
                    "must be consecutive"
                )
            seen.add(key)
        if problem:  # the row is its claim's, but it cannot be read: the claim is invalid
            current.errors.append(problem)
            current.spoilt = True
            current.rows.append(start)
            continue
        _add_row(current, start, row, written)
    if current is not None:
        yield from _finish(current, file, written)


def _lone(row: int, problem: str, file: str | None) -> ReadClaim:
    return ReadClaim(Origin(format=NAME, file=file, line=row), None, (problem,))


def _at(row: int, column: str) -> str:
    return f"row {row}, column {column}"


def _add_row(claim: _Claim, row: int, cells: dict[str, str], written: dict[str, str]) -> None:
    """One row into its claim: claim-level values checked against earlier rows, the
    row's service line parsed."""
    claim.rows.append(row)
    for column in written:  # the claim-level columns of the header (see _read)
        if column in _LINE_COLUMNS:
            continue
        value = cells[column]
        if not value:
            continue
        held = claim.values.get(column)
        if held is None:
            claim.values[column] = (value, row)
        elif column == "date_of_service":
            continue  # rows of several dates: one claim per date (see _finish)
        elif held[0] != value:
            claim.errors.append(
                f"{_at(row, written[column])}: differs from row {held[1]} of the same claim; "
                "a claim's columns must agree on every row"
            )
    index = len(claim.rows) - 1
    if index >= MAX_LINES:
        if index == MAX_LINES:
            claim.errors.append(
                f"row {row}: more than {MAX_LINES} service lines in one claim (X12 837P)"
            )
        return
    served = cells.get("date_of_service", "")
    claim.dates.append((served, row) if served else None)
    line: dict[str, Any] = {}
    where = claim.locations
    prefix = f"lines[{index}]"
    where[prefix] = f"row {row}"
    procedure = cells.get("procedure", "")
    where[f"{prefix}.procedure"] = _at(row, written["procedure"])
    if not procedure:
        claim.errors.append(f"{_at(row, written['procedure'])}: empty")
    else:
        line["procedure"] = procedure
    if "modifiers" in written:
        where[f"{prefix}.modifiers"] = _at(row, written["modifiers"])
        modifiers = [m for m in _SEPARATORS.split(cells.get("modifiers", "")) if m]
        if modifiers:
            line["modifiers"] = modifiers
    for column in ("units", "minutes"):
        if column not in written:
            continue
        where[f"{prefix}.{column}"] = _at(row, written[column])
        raw = cells.get(column, "")
        if raw:
            number = _whole(raw)
            if number is None:
                claim.errors.append(f"{_at(row, written[column])}: not a whole number")
            else:
                line[column] = number
    if "pointers" in written:
        where[f"{prefix}.diagnosis_pointers"] = _at(row, written["pointers"])
        raw = cells.get("pointers", "")
        if raw:
            pointers = _pointers(raw)
            if pointers is None:
                claim.errors.append(
                    f"{_at(row, written['pointers'])}: not diagnosis pointers (numbers 1-"
                    f"{MAX_DIAGNOSES} or letters A-L, separated by commas, colons or spaces)"
                )
            else:
                line["diagnosis_pointers"] = pointers
    if "charge" in written:
        where[f"{prefix}.charge"] = _at(row, written["charge"])
        raw = cells.get("charge", "").lstrip("$").replace(",", "")
        if raw:
            try:
                line["charge"] = str(Decimal(raw))
            except InvalidOperation:
                claim.errors.append(f"{_at(row, written['charge'])}: not an amount")
    claim.lines.append(line)


def _whole(raw: str) -> int | None:
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def _pointers(raw: str) -> list[int] | None:
    """``1,2`` / ``1:2`` / ``1 2`` / ``A,B`` / ``AB``: 1-based pointers (letters as on the
    CMS-1500's item 24E, A = 1)."""
    out: list[int] = []
    for part in _SEPARATORS.split(raw.strip()):
        if not part:
            continue
        if part.isdigit():
            out.append(int(part))
        elif _LETTERS.match(part):
            out.extend(ord(letter) - ord("A") + 1 for letter in part.upper())
        else:
            return None
    return out


def _date(raw: str) -> date | None:
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_US_DATE, (2, 0, 1))):
        match = pattern.match(raw)
        if match:
            year, month, day = (int(match[n + 1]) for n in order)
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def _finish(claim: _Claim, file: str | None, written: dict[str, str]) -> list[ReadClaim]:
    """The claim dict of a claim's rows (one per date of service when its rows give
    several: `by_date`), or its errors."""
    out: dict[str, Any] = {"claim_id": claim.claim_id}
    values = claim.values
    where = claim.locations
    where["claim_id"] = _at(claim.first_row, written["claim_id"])
    where["lines"] = (
        f"rows {claim.rows[0]}-{claim.rows[-1]}"
        if len(claim.rows) > 1
        else (f"row {claim.rows[0]}")
    )
    errors = claim.errors
    origin = Origin(
        format=NAME,
        file=file,
        line=claim.first_row,
        ids={"claim_id": claim.claim_id},
        locations=where,
    )
    if claim.spoilt:  # what the other rows lack may be on the row that cannot be read
        return [ReadClaim(origin, None, tuple(errors))]

    def cell(column: str) -> tuple[str, str] | None:
        held = values.get(column)
        if held is None:
            return None
        where_key = _at(held[1], written[column])
        return held[0], where_key

    got = cell("date_of_service")
    line_days: list[date] = []
    day_at: dict[date, str] = {}
    if got is None:
        errors.append(f"{_at(claim.first_row, written['date_of_service'])}: empty")
    else:
        # each row's own date; a blank cell takes the claim's date (its first date cell)
        # unless the rows give several dates, when it cannot be told
        column = written["date_of_service"]
        parsed: list[date | None] = []
        for given in claim.dates:
            day = _date(given[0]) if given is not None else None
            if given is not None and day is None:
                errors.append(f"{_at(given[1], column)}: not a date (YYYY-MM-DD or MM/DD/YYYY)")
            if given is not None and day is not None:
                day_at.setdefault(day, _at(given[1], column))
            parsed.append(day)
        if not claim.dates:
            day = _date(got[0])
            if day is None:
                errors.append(f"{got[1]}: not a date (YYYY-MM-DD or MM/DD/YYYY)")
            else:
                day_at[day] = got[1]
        if len(day_at) > 1 and None in claim.dates:
            blank = claim.rows[claim.dates.index(None)]
            errors.append(
                f"{_at(blank, column)}: empty, and the claim's other rows have several dates: "
                "give each row its date of service"
            )
        if day_at:
            first = next(iter(day_at))  # the first date cell's, which blank rows take
            line_days = [day or first for day in parsed]
            earliest = min(line_days) if line_days else first
            out["date_of_service"] = earliest.isoformat()
            where["date_of_service"] = day_at[earliest]
    for column, key in (
        ("payer", "payer"),
        ("place_of_service", "place_of_service"),
        ("specialty", "specialty"),
    ):
        got = cell(column)
        if got is not None:
            out[key] = got[0]
            where[key] = got[1]
    patient: dict[str, Any] = {}
    got = cell("patient_age")
    if got is not None:
        age = _whole(got[0])
        if age is None:
            errors.append(f"{got[1]}: not a whole number")
        else:
            patient["age"] = age
        where["patient.age"] = got[1]
    got = cell("patient_sex")
    if got is not None:
        sex = _SEX.get(got[0].lower())
        if sex is None:
            errors.append(f"{got[1]}: not F, M or U")
        else:
            patient["sex"] = sex
        where["patient.sex"] = got[1]
    if patient:
        out["patient"] = patient
    diagnoses: list[str] = []
    gap: str | None = None
    for column in DX_COLUMNS:
        if column not in written:
            break  # the header's dx columns are checked to run from dx1 without a gap
        got = cell(column)
        if got is None:
            if column in written and gap is None:
                gap = written[column]
            continue
        if gap is not None:
            errors.append(
                f"{got[1]}: {gap} is empty; diagnoses fill dx1, dx2, ... in order (a line's "
                "pointers count them)"
            )
            gap = None
        where[f"diagnoses[{len(diagnoses)}]"] = got[1]
        diagnoses.append(got[0])
    if not diagnoses:
        errors.append(f"{_at(claim.first_row, written['dx1'])}: empty")
    out["diagnoses"] = diagnoses
    if claim.lines:
        out["lines"] = claim.lines
    if errors:
        return [ReadClaim(origin, None, tuple(errors))]
    rows = claim.rows

    def lines_at(picked: Sequence[int]) -> str:
        return ", ".join(f"row {rows[n]}" for n in picked)

    return by_date(ReadClaim(origin, out), line_days, day_at, lines_at=lines_at)
