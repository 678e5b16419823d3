"""What ``check --batch`` reads besides its own JSONL and claim_json CSV: X12 837P, FHIR
Bundles and the flat one-row-per-line CSV, through their readers (`cleanclaim.formats`).

The batch keeps its fast paths for JSONL (raw lines shipped to the workers) and the
claim_json CSV.  Any other format is read in the parent, one `ReadClaim` at a time, and
each claim travels to a worker as a `Read` record: the claim dict and the map of its
finding locations to file positions, so the worker sets each finding's
``input_location`` as ``check FILE`` does.  A record the reader could not make a claim
of (an ICD-9 qualifier, a broken envelope) is an ``invalid`` line with its ``input``;
every record gets exactly one output line, whatever ``--workers`` is.  (The batch module
imports this one, never the other way round; a rejected record is the command line's
common `Rejected`.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cleanclaim.cli.common import Rejected
from cleanclaim.formats import FormatError, Origin, detect, reader, where
from cleanclaim.formats.registry import HEAD
from cleanclaim.models import Report

#: the formats the batch reads with its own paths; every other one goes through its reader.
OWN_PATHS = {"json": "jsonl", "jsonl": "jsonl", "csv": "csv"}


@dataclass(frozen=True, slots=True)
class Read:
    """A claim a format reader made, with where each finding location sits in the file."""

    claim: dict[str, Any]
    locations: dict[str, str]


#: a batch record as read: (line number, raw record, the report's ``input`` member as JSON
#: text, the ``input`` member of its ``invalid`` line if it gets one).  The input members
#: are JSON text made once by the reader, so a worker splices them in and a CSV chunk
#: crosses the process boundary as plain strings.
Record = tuple[int, bytes | str | Rejected | Read, str | None, str | None]


def batch_format(path: Path, given: str | None) -> str:
    """The batch's input format: ``--input-format``, else told from the content, else (a
    file no reader recognises) by its name as before: ``.csv`` is CSV, anything else JSONL,
    so that a bad file gets the messages it always did.  ``json`` is read as JSONL (one
    claim on one line is a JSONL file of one record)."""
    if given:
        return OWN_PATHS.get(given, given)
    with path.open("rb") as stream:
        head = stream.read(HEAD)
    try:
        found = detect(head, str(path))
    except FormatError:
        return "csv" if path.suffix.lower() == ".csv" else "jsonl"
    return OWN_PATHS.get(found, found)


def read_records(stream: IO[bytes], file: str, fmt: str) -> Iterator[Record]:
    """A reader's claims as batch records: (position, the claim or why not, the ``input``
    member as JSON text for its report, the same for its ``invalid`` line).  ``input``
    has no ``file``: the whole output is one file's."""
    for read in reader(fmt).read(stream, file):
        source = read.origin
        member = source.ref().model_copy(update={"file": None}).model_dump_json()
        if read.errors or read.claim is None:
            yield source.position, Rejected(read.errors or ("no claim",)), member, member
        else:
            yield source.position, Read(read.claim, dict(source.locations)), member, member


def pointed(report: Report, locations: Mapping[str, str]) -> Report:
    """The report with each finding's ``input_location`` (its place in the file)."""
    if not locations:
        return report
    origin = Origin(format="", locations=locations)
    findings = [
        finding.model_copy(update={"input_location": where(origin, finding.location)})
        for finding in report.findings
    ]
    return report.model_copy(update={"findings": findings})
