"""cleanclaim's own formats as readers: one JSON claim, JSONL (a claim a line) and the CSV
whose ``claim_json`` column holds a claim, so that ``cleanclaim.formats.read`` yields the
same `ReadClaim` records whatever the file.

The command line keeps its own faster paths for these three (``check FILE`` parses a
JSON claim itself, ``check --batch`` ships raw JSONL lines to its workers); these readers
are the Python API's, and their messages are the command line's wording.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from cleanclaim.formats.base import FormatError, Origin, ReadClaim

#: the CSV column that holds one claim's JSON (docs/guides/batch.md).
CLAIM_JSON = "claim_json"
_BOM = b"\xef\xbb\xbf"


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Twice(key)
            seen.add(key)
    return out


class _Twice(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_object(text: str | bytes) -> tuple[dict[str, Any] | None, str | None]:
    """One JSON claim object, or why not (the command line's wording, no claim content)."""
    if isinstance(text, bytes):
        if text.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None, "UTF-16 text; save the claim as UTF-8"
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, f"not UTF-8 text (byte {exc.start})"
    try:
        data = json.loads(text, object_pairs_hook=_unique)
    except _Twice as exc:
        name = repr(exc.key) if exc.key.isidentifier() and len(exc.key) <= 40 else "a key"
        return None, f"the key {name} appears twice in one JSON object"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:
        return None, "JSON nested too deeply"
    except ValueError:
        return None, "not valid JSON: a number is too long"
    if not isinstance(data, dict):
        return None, f"a claim must be a JSON object, not {type(data).__name__}"
    return data, None


class JsonReader:
    """One claim as a JSON object (``check CLAIM.json``)."""

    name = "json"

    def detect(self, head: bytes) -> bool:
        return head.removeprefix(_BOM).lstrip().startswith(b"{")

    def read(self, stream: IO[bytes], file: str | None) -> Iterator[ReadClaim]:
        data, error = parse_object(stream.read())
        origin = Origin(format=self.name, file=file)
        yield ReadClaim(origin, data, (error,) if error else ())


class JsonlReader:
    """One JSON claim a line; blank lines are skipped, line numbers are the file's."""

    name = "jsonl"

    def detect(self, head: bytes) -> bool:
        text = head.removeprefix(_BOM).lstrip()
        first, newline, rest = text.partition(b"\n")
        if not newline or not first.strip().startswith(b"{") or not rest.strip():
            return False
        data, _error = parse_object(first)
        return data is not None

    def read(self, stream: IO[bytes], file: str | None) -> Iterator[ReadClaim]:
        for number, raw in enumerate(stream, start=1):
            line = (raw.removeprefix(_BOM) if number == 1 else raw).strip()
            if not line:
                continue
            data, error = parse_object(line)
            error = error and error.replace(" at line 1 column ", " at column ")
            origin = Origin(format=self.name, file=file, line=number)
            yield ReadClaim(origin, data, (error,) if error else ())


class ClaimJsonCsvReader:
    """A CSV with a ``claim_json`` column; the other columns are the record's ``ids``."""

    name = "csv"

    def detect(self, head: bytes) -> bool:
        first = head.removeprefix(_BOM).split(b"\n", 1)[0]
        try:
            cells = next(csv.reader([first.decode("utf-8", "replace")]))
        except (csv.Error, StopIteration):
            return False
        return CLAIM_JSON in (cell.strip() for cell in cells)

    def read(self, stream: IO[bytes], file: str | None) -> Iterator[ReadClaim]:
        name = file or "<input>"
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        try:
            lines = _Numbered(text)
            reader = csv.reader(lines)
            header = [cell.strip() for cell in next(reader, [])]
            if CLAIM_JSON not in header:
                raise FormatError(f"{name}: line 1: CSV header has no {CLAIM_JSON!r} column")
            column = header.index(CLAIM_JSON)
            while True:
                start = lines.count + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    origin = Origin(format=self.name, file=file, line=start)
                    yield ReadClaim(origin, None, (f"not a CSV record: {exc}",))
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                ids = {
                    key: value
                    for index, (key, value) in enumerate(zip(header, row, strict=False))
                    if index != column and key
                }
                origin = Origin(format=self.name, file=file, line=start, ids=ids)
                if column >= len(row):
                    yield ReadClaim(origin, None, (f"no {CLAIM_JSON} cell in this row",))
                    continue
                data, error = parse_object(row[column])
                yield ReadClaim(origin, data, (error,) if error else ())
        finally:
            text.detach()


class _Numbered:
    """The lines of a text stream, counted (a CSV record may span several)."""

    def __init__(self, text: IO[str]) -> None:
        self.text = text
        self.count = 0

    def __iter__(self) -> _Numbered:
        return self

    def __next__(self) -> str:
        line = self.text.readline()
        if not line:
            raise StopIteration
        self.count += 1
        return line
