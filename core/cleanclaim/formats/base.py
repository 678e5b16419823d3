"""What every input reader yields: a claim in cleanclaim's JSON shape and where it came from.

A reader turns one input format (cleanclaim JSON, JSONL, CSV, X12 837P, FHIR R4) into
[`ReadClaim`][cleanclaim.formats.base.ReadClaim] records.  The engine never sees the format:
it checks the claim dict as it would a JSON claim, so a claim reads the same report
whichever way it arrived.  What the format knows about positions travels beside the claim
in an [`Origin`][cleanclaim.formats.base.Origin] and is joined to the report afterwards by
[`located`][cleanclaim.formats.base.located], so a biller can fix the file itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import IO, Any, Protocol

from cleanclaim.models import InputRef, Report


class FormatError(ValueError):
    """A file that cannot be read at all in its format (no ISA header, not JSON, a CSV
    header that names no known column).  The message names the file and the position;
    the command line prints it and exits 2.  A record that cannot be read is not this: it
    is a `ReadClaim` with ``errors``."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where one claim was read from.

    ``locations`` maps a finding location of the claim (``diagnoses[0]``, ``lines[1]``,
    ``lines[1].modifiers[0]``, ``date_of_service``) to the position in the file that holds
    it (``2300 HI01-2, segment 14``; ``Claim.diagnosis[0]``; ``row 7, column dx1``).
    Only what the format can point at is mapped; [`where`][cleanclaim.formats.base.where]
    falls back to the nearest enclosing location.

    :param format: the reader's name, the report's ``input.format`` (``x12-837p``).
    :param file: the file as given, when one was read (None in a batch's results).
    :param line: the 1-based line the record starts on (JSONL, CSV).
    :param segment: X12: the 1-based position of the claim's CLM segment (ISA is 1).
    :param entry: FHIR: the 1-based Bundle entry.
    :param ids: the record's own keys: control numbers, CSV id columns, a FHIR id.
    :param locations: finding location -> position in the file (see above).
    """

    format: str
    file: str | None = None
    line: int | None = None
    segment: int | None = None
    entry: int | None = None
    ids: Mapping[str, str] = field(default_factory=dict)
    locations: Mapping[str, str] = field(default_factory=dict)

    def ref(self) -> InputRef:
        """The report's ``input`` member for this origin."""
        return InputRef(
            format=self.format,
            file=self.file,
            line=self.line,
            segment=self.segment,
            entry=self.entry,
            ids=dict(self.ids),
        )

    @property
    def position(self) -> int:
        """The record's 1-based position for an ``invalid`` line: its line, segment or entry."""
        return self.line or self.segment or self.entry or 1


@dataclass(frozen=True, slots=True)
class ReadClaim:
    """One claim as a reader found it: the claim, or why it cannot be checked.

    ``claim`` is in cleanclaim's JSON shape (DESIGN's "A claim, as JSON"), not yet
    validated: the engine validates it as it does every claim, so a bad field gets the same
    message whatever the format.  ``errors`` is non-empty when the reader itself could not
    make a claim of the record (an ICD-9 qualifier, a diagnosis in another code system); the
    record is then an ``invalid`` result.  Errors name the segment, element or column and
    never quote claim content.

    :param origin: where the record was read from.
    :param claim: the claim dict, or None when the record cannot be made a claim.
    :param errors: why not (empty when ``claim`` is set).
    """

    origin: Origin
    claim: dict[str, Any] | None
    errors: tuple[str, ...] = ()


class Reader(Protocol):
    """One input format."""

    #: the ``--input-format`` value and the ``input.format`` of its reports.
    name: str

    def detect(self, head: bytes) -> bool:
        """Whether the first bytes of a file (up to 4 KiB, BOM included) are this format.

        :param head: the file's first bytes.
        """
        ...

    def read(self, stream: IO[bytes], file: str | None) -> Iterator[ReadClaim]:
        """Every claim of the file, in file order; never raises for bad content (a record
        that cannot be read is a ``ReadClaim`` with ``errors``; a file that cannot be read at
        all raises [`FormatError`][cleanclaim.formats.base.FormatError] naming it).

        :param stream: the file, opened in binary mode.
        :param file: its name as given, for messages and ``Origin.file`` (None: a stream).
        """
        ...


def where(origin: Origin, location: str) -> str | None:
    """The file position of a finding location: the location itself if mapped, else the
    nearest enclosing one (``lines[1].modifiers`` -> ``lines[1]``), else None.

    :param origin: the claim's origin, with its ``locations``.
    :param location: a finding's ``location``.
    """
    locations = origin.locations
    probe = location
    while probe:
        found = locations.get(probe)
        if found is not None:
            return found
        cut = max(probe.rfind("."), probe.rfind("["))
        if cut <= 0:
            break
        probe = probe[:cut]
    return None


def located(report: Report, origin: Origin) -> Report:
    """The report with its ``input`` member and each finding's ``input_location`` set.

    :param report: the claim's report, as the engine returned it.
    :param origin: where the claim was read from.
    """
    findings = [
        finding.model_copy(update={"input_location": where(origin, finding.location)})
        if origin.locations
        else finding
        for finding in report.findings
    ]
    return report.model_copy(update={"input": origin.ref(), "findings": findings})


def by_date(
    read: ReadClaim,
    line_days: Sequence[date],
    day_at: Mapping[date, str],
    *,
    birth: date | None = None,
    lines_at: Callable[[Sequence[int]], str] | None = None,
) -> list[ReadClaim]:
    """A claim whose lines fall on several dates, as one claim per date of service.

    Why: the edits that count per day apply per date of service (NCCI procedure-to-
    procedure edits pair codes of one date; MUEs are units per day; the 8-minute rule
    totals the minutes of one day).  A claim dict with one ``date_of_service`` for lines
    of several days would merge them and report findings the claim does not have.  So
    each date gets a claim of its own, in date order: the same claim id and claim-level
    data (diagnoses, payer, patient, place), only that date's lines, and the patient's
    age at that date when the birth date is known.  Its ``locations`` keep each line's
    original place in the file (the part's ``lines[0]`` may be the file's third SV1), and
    its ``ids`` gain ``date_of_service`` so that the results can be told apart.  A claim
    of one date (or a record with errors) is returned as it is.

    :param read: the claim as the reader made it, lines in file order.
    :param line_days: the date of service of each of ``claim["lines"]``, in order.
    :param day_at: where each date is written (the first line's date element of that
        date, or the claim-level date its lines took), for the part's
        ``date_of_service`` location.
    :param birth: the patient's birth date, to give each part the age at its date.
    :param lines_at: the ``lines`` location of a part from its lines' original indices
        (None: the claim's own ``lines`` location, if any, is kept).
    """
    claim = read.claim
    days = sorted(set(line_days))
    if claim is None or read.errors or len(days) < 2:
        return [read]
    lines = claim.get("lines", [])
    origin = read.origin
    shared = {key: value for key, value in origin.locations.items() if not key.startswith("lines[")}
    parts: list[ReadClaim] = []
    for day in days:
        picked = [n for n, seen in enumerate(line_days) if seen == day]
        locations = dict(shared)
        locations["date_of_service"] = day_at[day]
        for new, old in enumerate(picked):
            for key, value in _line_keys(origin.locations, old):
                locations[f"lines[{new}]{key}"] = value
        if lines_at is not None:
            locations["lines"] = lines_at(picked)
        part = {**claim, "date_of_service": day.isoformat(), "lines": [lines[n] for n in picked]}
        patient = claim.get("patient")
        if birth is not None and isinstance(patient, dict) and "age" in patient:
            age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
            part["patient"] = {**patient, "age": age}
        ids = {**origin.ids, "date_of_service": day.isoformat()}
        parts.append(ReadClaim(replace(origin, ids=ids, locations=locations), part))
    return parts


def _line_keys(locations: Mapping[str, str], index: int) -> Iterator[tuple[str, str]]:
    """The locations of line ``index`` as (the rest of the key after ``lines[i]``, value)."""
    prefix = f"lines[{index}]"
    for key, value in locations.items():
        if key.startswith(prefix):
            rest = key[len(prefix) :]
            if not rest or rest[0] in ".[":
                yield rest, value


def placed(locations: Mapping[str, str], errors: Iterable[str]) -> list[str]:
    """Validation errors of a claim a reader made, each leading location put as the file
    position that holds it (``lines[1].procedure: ...`` -> ``2400 SV1-01-2, segment 28:
    ...``; ``row 3, column procedure: ...``; ``Claim.item[1].productOrService: ...``).

    Why: the engine validates a read claim as it does a JSON claim, and names the field in
    cleanclaim's JSON terms, which are not in the biller's file.  An error whose location
    is not mapped (or with none) is kept as it is; with no ``locations`` (a JSON claim)
    nothing changes.

    :param locations: the claim's `Origin.locations`.
    :param errors: the messages, each ``location: problem``.
    """
    origin = Origin(format="", locations=locations)
    out: list[str] = []
    for error in errors:
        location, sep, problem = error.partition(": ")
        found = where(origin, location) if sep and locations and " " not in location else None
        out.append(f"{found}: {problem}" if found is not None else error)
    return out
