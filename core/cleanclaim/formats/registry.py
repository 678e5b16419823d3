"""Which reader reads a file: named (``--input-format``, ``format=``) or told from its first
bytes, the same for the command line and for Python (`read`, `detect`).

Detection looks at content, never at the file's name, in this order: an ``ISA`` header
(X12 837P); a JSON object with ``resourceType`` (FHIR); a first line that is a whole
JSON object followed by more lines (JSONL); a JSON object (one claim); a CSV header with
``claim_json`` (a claim a row); a CSV header with the flat columns (a service line a row).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from cleanclaim.formats.base import FormatError, ReadClaim, Reader

#: the ``--input-format`` values, as a user names them.
FORMATS = ("json", "jsonl", "csv", "csv-lines", "x12", "fhir")
#: format name -> (module, class); imported when first used, so that a reader's
#: dependencies load only for its files.
_READERS = {
    "x12": ("cleanclaim.formats.x12", "X12Reader"),
    "fhir": ("cleanclaim.formats.fhir", "FhirReader"),
    "jsonl": ("cleanclaim.formats.jsonfmt", "JsonlReader"),
    "json": ("cleanclaim.formats.jsonfmt", "JsonReader"),
    "csv": ("cleanclaim.formats.jsonfmt", "ClaimJsonCsvReader"),
    "csv-lines": ("cleanclaim.formats.flatcsv", "FlatCsvReader"),
}
#: the reports' ``input.format`` names that differ from the ``--input-format`` name.
ALIASES = {"x12-837p": "x12"}
#: how many bytes detection reads.
HEAD = 4096


def reader(format: str) -> Reader:
    """The reader of ``format`` (an ``--input-format`` value, or ``x12-837p``)."""
    key = ALIASES.get(format, format)
    if key not in _READERS:
        raise FormatError(f"unknown input format {format!r}; known: {', '.join(FORMATS)}")
    module, name = _READERS[key]
    try:
        found: type[Reader] = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise FormatError(f"the {key} reader is not available in this installation") from None
    return found()


def detect(head: bytes, file: str | None = None) -> str:
    """The ``--input-format`` name of a file whose first bytes (up to `HEAD`) are ``head``.

    Raises `FormatError` naming ``file`` when no reader recognises it.
    """
    for key in ("x12", "fhir", "jsonl", "json", "csv", "csv-lines"):
        try:
            found = reader(key)
        except FormatError:
            continue  # a reader that is not installed recognises nothing
        if found.detect(head):
            return key
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError(f"{file or '<input>'}: UTF-16 text; save the file as UTF-8")
    raise FormatError(
        f"{file or '<input>'}: the input format cannot be told from the content (not X12, "
        "FHIR, JSON, JSONL or a known CSV header); give --input-format " + "|".join(FORMATS)
    )


def read(
    source: str | os.PathLike[str] | IO[bytes], format: str | None = None
) -> Iterator[ReadClaim]:
    """Every claim of a file or binary stream, in file order, as `ReadClaim` records.

    :param source: a path, or a binary stream (read from its current position; it must
        allow ``peek`` or ``seek`` when ``format`` is None, for detection).
    :param format: an ``--input-format`` name; None detects it from the content.
    :raises FormatError: the format cannot be told, or the file cannot be read at all.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        with path.open("rb") as stream:
            yield from _read(stream, str(source), format)
        return
    yield from _read(source, getattr(source, "name", None), format)


def _read(stream: IO[bytes], file: str | None, format: str | None) -> Iterator[ReadClaim]:
    name = file if isinstance(file, str) else None
    if format is None:
        format = detect(_head(stream), name)
    yield from reader(format).read(stream, name)


def _head(stream: IO[bytes]) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return bytes(peek(HEAD)[:HEAD])
    start = stream.tell()
    head = stream.read(HEAD)
    stream.seek(start)
    return head
