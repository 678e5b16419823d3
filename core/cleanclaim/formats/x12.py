"""X12 837P (005010X222A1) professional claims: a small streaming reader of our own.

Why our own: the X12 libraries (x12sdk, pyx12) model or validate the whole 837P, which is
what an oracle should do and more than checking needs; the benchmark
(``benchmarks/bench_formats.py``, docs/benchmarks.md) measures them against this reader,
and the tests read every sample with x12sdk and compare.  This reader reads only the
subset a coding check uses, segment by segment, in constant memory:

* separators from the ISA header (element: the 4th character; component: ISA16;
  segment terminator: the character after ISA16; repetition: ISA11 when it is one
  punctuation character);
* the envelopes ISA/IEA, GS/GE and ST/SE with their control numbers and counts; a broken
  envelope is an ``invalid`` record naming the segment it stops at, and every claim that
  can still be read is checked;
* the hierarchy (HL 20/22/23), the subscriber (SBR09, NM1*PR, DMG) and the patient (DMG);
* each CLM with its HI diagnoses, DTP*472 dates and SV1 lines, and the rendering
  provider's taxonomy (PRV) as the specialty hint.

docs/guides/x12-837p.md has the field mapping table.  Every finding location of a claim
maps to the loop, segment, element and the segment's position in the file
(``2400 SV1-01, segment 31``; the first ISA is segment 1).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from cleanclaim.formats.base import FormatError, Origin, ReadClaim, by_date

NAME = "x12-837p"

#: NUCC Health Care Provider Taxonomy codes (the PRV03 of the rendering provider) that
#: name the specialty of a bundled plugin.  Codes from the NUCC code set
#: (nucc.org, "Health Care Provider Taxonomy"); a code not here leaves the claim without a
#: specialty hint (every plugin then speaks, as for a JSON claim without one).  Pass
#: ``specialties=`` to `X12Reader` to extend or replace the table.
TAXONOMY_SPECIALTIES: Mapping[str, str] = {
    "225100000X": "physical-therapy",  # Physical Therapist
    "111N00000X": "chiropractic",  # Chiropractor
    "208800000X": "urology",  # Allopathic & Osteopathic Physicians: Urology
    "207Q00000X": "primary-care",  # Family Medicine
    "207R00000X": "primary-care",  # Internal Medicine (its subspecialties are not mapped)
    "208D00000X": "primary-care",  # General Practice
}
#: the first four characters of a classification whose specializations (2251C2600X,
#: 111NR0400X, 2088P0231X, ...) keep the classification's specialty.
TAXONOMY_PREFIXES: Mapping[str, str] = {
    "2251": "physical-therapy",
    "111N": "chiropractic",
    "2088": "urology",
}

#: SBR09 claim filing indicator codes read as Medicare (MB: Part B, MA: Part A).  Every
#: other code (CI commercial, BL Blue Cross, HM HMO, 16 Medicare Advantage HMO, MC
#: Medicaid, ...) is ``commercial``: the kernel's defaults for a payer it does not know.
MEDICARE_FILING_CODES = frozenset({"MB", "MA"})

#: HI qualifiers of diagnoses: ICD-10-CM principal and other; ICD-9-CM principal and other.
_ICD10 = {"ABK": True, "ABF": False}
_ICD9 = {"BK", "BF"}

#: the largest segment read (far above any 837P segment): a file without terminators is
#: refused instead of being held whole.
MAX_SEGMENT = 64 * 1024
_CHUNK = 64 * 1024
#: the version this reader reads (GS08, ST03): 005010X222A1 and its predecessor without
#: the errata are the same for the elements read here.
VERSION_PREFIX = "005010X222"


def _specialty(taxonomy: str, table: Mapping[str, str]) -> str | None:
    code = taxonomy.strip().upper()
    if code in table:
        return table[code]
    return TAXONOMY_PREFIXES.get(code[:4]) if table is TAXONOMY_SPECIALTIES else None


@dataclass(frozen=True, slots=True)
class Separators:
    """The delimiters an interchange declares in its ISA segment."""

    element: str
    component: str
    segment: str
    repetition: str | None


def separators(head: str) -> Separators:
    """The separators of an ISA header (``head`` starts with ``ISA``).

    Found by position of the element separator, not by the ISA's fixed width: some
    senders pad the ISA wrongly, and the 16th element separator still ends ISA15.
    """
    if len(head) < 4 or not head.startswith("ISA"):
        raise FormatError("not an X12 interchange: it does not begin with ISA")
    element = head[3]
    if element.isalnum() or element.isspace():
        raise FormatError("ISA: the element separator (4th character) is a letter or space")
    at = -1
    for _ in range(16):
        at = head.find(element, at + 1)
        if at < 0:
            raise FormatError("ISA: fewer than 16 elements in the first segment")
    if len(head) < at + 3:
        raise FormatError("ISA: the header ends before ISA16 and the segment terminator")
    component, segment = head[at + 1], head[at + 2]
    if component == element or segment in (element, component):
        raise FormatError("ISA: ISA16 and the segment terminator must differ from the separator")
    isa11 = head.split(element, 12)[11] if head.count(element, 0, at) >= 11 else ""
    repetition = isa11 if len(isa11) == 1 and not isa11.isalnum() and isa11 != " " else None
    return Separators(element, component, segment, repetition)


def _segments(stream: IO[bytes]) -> tuple[Separators, Iterator[list[str]]]:
    """The separators and every segment's elements, read in bounded chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    buffer = decoder.decode(stream.read(_CHUNK))
    if buffer.startswith("\ufeff"):
        buffer = buffer[1:]
    buffer = buffer.lstrip()
    seps = separators(buffer[:256] if len(buffer) > 256 else buffer)

    def segments(buffer: str) -> Iterator[list[str]]:
        term, elem = seps.segment, seps.element
        # line breaks around segments are allowed (and a CR before a newline terminator)
        strip = " \r\n\t" if elem not in " \t" else "\r\n"
        ended = False
        while True:
            parts = buffer.split(term)
            buffer = parts.pop()
            for part in parts:
                text = part.strip(strip)
                if text:
                    yield text.split(elem)
            if ended:
                text = buffer.strip(strip)
                if text:
                    yield text.split(elem)
                return
            if len(buffer) > MAX_SEGMENT:
                raise FormatError(
                    f"a segment longer than {MAX_SEGMENT:,} characters: is the segment "
                    f"terminator ({seps.segment!r}, after ISA16) the one the file uses?"
                )
            raw = stream.read(_CHUNK)
            buffer += decoder.decode(raw, final=not raw)
            ended = not raw

    return seps, segments(buffer)


def _date(text: str) -> date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _element(elements: list[str], index: int) -> str:
    return elements[index].strip() if index < len(elements) else ""


@dataclass
class _Line:
    position: int
    number: int
    procedure: str | None = None
    modifiers: list[str] = field(default_factory=list)
    charge: Decimal | None = None
    units: int | None = None
    minutes: int | None = None
    pointers: list[int] = field(default_factory=list)
    sv1: int | None = None
    day: date | None = None
    dtp: int | None = None


@dataclass
class _Party:
    """A subscriber or patient: the DMG's birth date and sex, where they were read."""

    loop: str
    birth: date | None = None
    sex: str | None = None
    dmg: int | None = None


@dataclass
class _Claim:
    position: int
    ids: dict[str, str]
    claim_id: str | None
    place: str | None
    errors: list[str] = field(default_factory=list)
    locations: dict[str, str] = field(default_factory=dict)
    diagnoses: list[str] = field(default_factory=list)
    day: date | None = None
    dtp: int | None = None
    lines: list[_Line] = field(default_factory=list)
    taxonomy: tuple[str, int] | None = None
    payer: str | None = None
    party: _Party | None = None
    principal_seen: bool = False


class X12Reader:
    """Reads every CLM of every transaction of an 837P file as one claim."""

    name = NAME

    def __init__(self, specialties: Mapping[str, str] | None = None) -> None:
        #: taxonomy code -> specialty; `TAXONOMY_SPECIALTIES` (with its prefixes) when None.
        self.specialties = TAXONOMY_SPECIALTIES if specialties is None else specialties

    def detect(self, head: bytes) -> bool:
        """An X12 interchange begins with ``ISA`` (after a BOM or white space)."""
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        return text.startswith(b"ISA") and len(text) > 3 and not chr(text[3]).isalnum()

    def read(self, stream: IO[bytes], file: str | None) -> Iterator[ReadClaim]:
        """Every claim of the file, in file order, then the envelope errors as found."""
        try:
            seps, segments = _segments(stream)
        except FormatError as exc:
            raise FormatError(f"{file or '<stdin>'}: {exc}") from None
        return _Parser(file, self.specialties, seps).run(segments)


class _Parser:
    """The state of one file's reading: envelopes, hierarchy, the claim being built."""

    def __init__(self, file: str | None, specialties: Mapping[str, str], seps: Separators) -> None:
        self.file = file
        self.separators = seps
        self.group_version = ""
        self.specialties = specialties
        self.position = 0
        self.isa: tuple[str, int] | None = None
        self.groups = 0
        self.gs: tuple[str, int] | None = None
        self.transactions = 0
        self.st: tuple[str, int] | None = None
        self.st_count = 0
        self.skip_transaction = False
        self.loop = ""
        self.level = ""
        self.billing_taxonomy: tuple[str, int] | None = None
        self.subscriber: _Party | None = None
        self.patient: _Party | None = None
        self.payer: tuple[str, int] | None = None
        self.payer_id: str | None = None
        self.claim: _Claim | None = None
        self.line: _Line | None = None

    # -- records -----------------------------------------------------------------------

    def ids(self) -> dict[str, str]:
        """The control numbers of the envelopes open now (a report's ``input.ids``)."""
        out: dict[str, str] = {}
        if self.isa:
            out["interchange"] = self.isa[0]
        if self.gs:
            out["group"] = self.gs[0]
        if self.st:
            out["transaction"] = self.st[0]
        return out

    def problem(self, tag: str, message: str, position: int | None = None) -> ReadClaim:
        """An ``invalid`` record for an envelope or structure fault at a segment."""
        where = position or self.position
        origin = Origin(format=NAME, file=self.file, segment=where, ids=self.ids())
        return ReadClaim(origin, None, (f"segment {where} ({tag}): {message}",))

    def run(self, segments: Iterator[list[str]]) -> Iterator[ReadClaim]:
        body = _BODY
        try:
            for elements in segments:
                self.position += 1
                tag = elements[0]
                handler = body.get(tag)
                if handler is not None and self.st is not None and not self.skip_transaction:
                    # the fast path: a body segment inside a transaction being read (most
                    # segments); a handler that has nothing to report returns ()
                    self.st_count += 1
                    found = handler(self, elements)
                    if found:
                        yield from found
                    continue
                yield from self.segment(tag.strip().upper(), elements)
        except FormatError as exc:  # a segment without its terminator: reading stops here
            yield from self.close()
            where = self.position + 1
            yield self.problem("no terminator", f"{exc}; the rest of the file is not read", where)
            return
        yield from self.close()
        yield from self.at_end()

    def close(self) -> Iterator[ReadClaim]:
        """The claim being read, finished: a claim ends at the next CLM, HL, SE or GE."""
        if self.claim is not None:
            done, self.claim, self.line = self.claim, None, None
            yield from self.finish(done)

    def at_end(self) -> Iterator[ReadClaim]:
        if self.st is not None:
            yield self.problem("SE", f"the file ends inside transaction {self.st[0]}: no SE")
        if self.gs is not None:
            yield self.problem("GE", f"the file ends inside group {self.gs[0]}: no GE")
        if self.isa is not None:
            yield self.problem("IEA", f"the file ends inside interchange {self.isa[0]}: no IEA")

    # -- envelopes ---------------------------------------------------------------------

    def segment(self, tag: str, elements: list[str]) -> Iterator[ReadClaim]:
        if self.st is not None:
            self.st_count += 1
        handler = _ENVELOPE.get(tag)
        if handler is not None:
            yield from handler(self, elements)
            return
        if self.st is None:
            yield self.problem(tag, "a segment outside a transaction (ST ... SE): not read")
            return
        if self.skip_transaction:
            return
        body = _BODY.get(tag)
        if body is not None:
            yield from body(self, elements)

    def on_isa(self, elements: list[str]) -> Iterator[ReadClaim]:
        if self.isa is not None:
            yield from self.close()
            yield self.problem("ISA", f"a new interchange before the IEA of {self.isa[0]}")
            self.st = self.gs = None
        self.isa = (_element(elements, 13), self.position)
        self.groups = 0

    def on_iea(self, elements: list[str]) -> Iterator[ReadClaim]:
        yield from self.close()
        if self.isa is None:
            yield self.problem("IEA", "an IEA without its ISA")
            return
        if self.gs is not None:
            yield self.problem("IEA", f"the interchange ends inside group {self.gs[0]}: no GE")
            self.gs = self.st = None
        if _element(elements, 2) != self.isa[0]:
            yield self.problem(
                "IEA",
                f"IEA02 does not repeat ISA13 (interchange {self.isa[0]}, segment {self.isa[1]})",
            )
        if _element(elements, 1) != str(self.groups):
            yield self.problem(
                "IEA",
                f"IEA01 counts {_element(elements, 1) or 'no'} groups; the interchange "
                f"has {self.groups}",
            )
        self.isa = None

    def on_gs(self, elements: list[str]) -> Iterator[ReadClaim]:
        if self.isa is None:
            yield self.problem("GS", "a functional group outside an interchange (no ISA)")
        if self.gs is not None:
            yield from self.close()
            yield self.problem("GS", f"a new group before the GE of group {self.gs[0]}")
        self.gs = (_element(elements, 6), self.position)
        self.transactions = 0
        self.groups += 1
        self.group_version = _element(elements, 8)

    def on_ge(self, elements: list[str]) -> Iterator[ReadClaim]:
        yield from self.close()
        if self.gs is None:
            yield self.problem("GE", "a GE without its GS")
            return
        if self.st is not None:
            yield self.problem("GE", f"the group ends inside transaction {self.st[0]}: no SE")
            self.st = None
        if _element(elements, 2) != self.gs[0]:
            yield self.problem(
                "GE", f"GE02 does not repeat GS06 (group {self.gs[0]}, segment {self.gs[1]})"
            )
        if _element(elements, 1) != str(self.transactions):
            yield self.problem(
                "GE",
                f"GE01 counts {_element(elements, 1) or 'no'} transactions; the group "
                f"has {self.transactions}",
            )
        self.gs = None

    def on_st(self, elements: list[str]) -> Iterator[ReadClaim]:
        if self.st is not None:
            yield from self.close()
            yield self.problem("ST", f"a new transaction before the SE of {self.st[0]}")
        if self.gs is None:
            yield self.problem("ST", "a transaction outside a functional group (no GS)")
        self.st = (_element(elements, 2), self.position)
        self.st_count = 1
        self.transactions += 1
        self.loop = self.level = ""
        self.billing_taxonomy = self.payer = None
        self.subscriber = self.patient = None
        self.payer_id = None
        self.skip_transaction = False
        kind = _element(elements, 1)
        version = _element(elements, 3) or self.group_version
        if kind != "837":
            self.skip_transaction = True
            yield self.problem("ST", f"transaction set {kind or '(none)'} is not an 837: not read")
        elif version and not version.startswith(VERSION_PREFIX):
            self.skip_transaction = True
            yield self.problem(
                "ST", f"implementation {version} is not the 837P (005010X222A1): not read"
            )

    def on_se(self, elements: list[str]) -> Iterator[ReadClaim]:
        yield from self.close()
        if self.st is None:
            yield self.problem("SE", "an SE without its ST")
            return
        if _element(elements, 2) != self.st[0]:
            yield self.problem(
                "SE",
                f"SE02 does not repeat ST02 (transaction {self.st[0]}, segment {self.st[1]})",
            )
        if _element(elements, 1) != str(self.st_count):
            yield self.problem(
                "SE",
                f"SE01 counts {_element(elements, 1) or 'no'} segments; the transaction "
                f"has {self.st_count} (ST to SE)",
            )
        self.st = None

    # -- the transaction's body --------------------------------------------------------

    def on_hl(self, elements: list[str]) -> Iterator[ReadClaim]:
        yield from self.close()
        level = _element(elements, 3)
        self.level = level
        if level == "20":
            self.loop = "2000A"
            self.billing_taxonomy = None
            self.subscriber = self.patient = None
        elif level == "22":
            self.loop = "2000B"
            self.subscriber = self.patient = None
            self.payer = None
            self.payer_id = None
        elif level == "23":
            self.loop = "2000C"
            self.patient = None
        else:
            self.loop = "2000"

    def on_sbr(self, elements: list[str]) -> Iterable[ReadClaim]:
        if self.loop == "2000B":
            code = _element(elements, 9).upper()
            self.payer = (code, self.position) if code else None
        elif self.claim is not None:
            self.loop = "2320"  # other subscriber information
        return ()

    def on_nm1(self, elements: list[str]) -> Iterable[ReadClaim]:
        entity = _element(elements, 1).upper()
        loop = self.loop
        if loop.startswith("2000A") or loop.startswith("2010A"):
            self.loop = {"85": "2010AA", "87": "2010AB", "PE": "2010AC"}.get(entity, "2010A")
        elif loop.startswith("2000B") or loop.startswith("2010B"):
            self.loop = {"IL": "2010BA", "PR": "2010BB"}.get(entity, "2010B")
            if entity == "IL":
                self.subscriber = _Party("2010BA")
            elif entity == "PR":
                self.payer_id = _element(elements, 9) or None
        elif loop.startswith("2000C") or loop.startswith("2010C"):
            self.loop = "2010CA"
            if entity == "QC":
                self.patient = _Party("2010CA")
        elif loop.startswith("2300") or loop.startswith("2310"):
            self.loop = "2310B" if entity == "82" else "2310"
        elif loop.startswith("2320") or loop.startswith("2330"):
            self.loop = "2330"
        elif loop.startswith("2400") or loop.startswith("2420"):
            self.loop = "2420A" if entity == "82" else "2420"
        return ()

    def on_dmg(self, elements: list[str]) -> Iterator[ReadClaim]:
        party = {"2010BA": self.subscriber, "2010CA": self.patient}.get(self.loop)
        if party is None:
            return
        party.dmg = self.position
        raw = _element(elements, 2)
        if raw:
            party.birth = _date(raw)
            if party.birth is None:
                yield self.problem(
                    "DMG",
                    f"{self.loop} DMG02, the birth date, is not a CCYYMMDD date: "
                    "the age is left out of its claims",
                )
        sex = _element(elements, 3).upper()
        party.sex = sex if sex in ("F", "M", "U") else None

    def on_prv(self, elements: list[str]) -> Iterable[ReadClaim]:
        taxonomy = _element(elements, 3)
        if self.loop == "2000A":
            self.billing_taxonomy = (taxonomy, self.position) if taxonomy else None
        elif self.loop == "2310B" and self.claim is not None and taxonomy:
            self.claim.taxonomy = (taxonomy, self.position)
        return ()

    def on_clm(self, elements: list[str]) -> Iterator[ReadClaim]:
        yield from self.close()
        if self.level not in ("22", "23"):
            yield self.problem("CLM", "a claim outside a subscriber or patient loop (HL 22/23)")
        self.loop = "2300"
        place = ""
        composite = _element(elements, 5)
        ids = self.ids()
        if composite:
            parts = composite.split(self._component)
            place = parts[0].strip()
            if len(parts) > 2 and parts[2].strip():
                ids["frequency"] = parts[2].strip()
        if self.payer_id:
            ids["payer_id"] = self.payer_id
        claim = _Claim(self.position, ids, _element(elements, 1) or None, place or None)
        pos = self.position
        claim.locations["claim_id"] = f"2300 CLM01, segment {pos}"
        if place:
            claim.locations["place_of_service"] = f"2300 CLM05-1, segment {pos}"
        claim.payer = self.payer[0] if self.payer else None
        if self.payer:
            claim.locations["payer"] = f"2000B SBR09, segment {self.payer[1]}"
        patient = self.patient if self.level == "23" and self.patient else None
        party = patient if patient is not None and patient.dmg else self.subscriber
        claim.party = party
        self.claim = claim

    def on_dtp(self, elements: list[str]) -> Iterable[ReadClaim]:
        if _element(elements, 1) != "472" or self.claim is None:
            return ()
        if self.loop == "2400" and self.line is not None:
            owner = "2400"
        elif self.loop == "2300":
            owner = "2300"
        else:
            return ()
        kind, raw = _element(elements, 2).upper(), _element(elements, 3)
        first: date | None = None
        if kind == "D8":
            first = _date(raw)
        elif kind == "RD8":
            start, _, end = raw.partition("-")
            first, last = _date(start), _date(end)
            if first is not None and (last is None or last < first):
                first = None
        where = f"segment {self.position} (DTP): {owner} DTP03"
        if first is None:
            shape = "CCYYMMDD-CCYYMMDD" if kind == "RD8" else "CCYYMMDD"
            if kind not in ("D8", "RD8"):
                self.claim.errors.append(f"{where}: DTP02 is neither D8 nor RD8")
            else:
                self.claim.errors.append(f"{where} is not a {kind} date ({shape}, in order)")
            return ()
        if owner == "2400" and self.line is not None:
            self.line.day, self.line.dtp = first, self.position
        else:
            self.claim.day, self.claim.dtp = first, self.position
        return ()

    def on_hi(self, elements: list[str]) -> Iterable[ReadClaim]:
        claim = self.claim
        if claim is None or self.loop != "2300":
            return ()
        pos = self.position
        for index in range(1, len(elements)):
            raw = elements[index].strip()
            if not raw:
                continue
            parts = raw.split(self._component)
            qualifier = parts[0].strip().upper()
            code = parts[1].strip() if len(parts) > 1 else ""
            where = f"segment {pos} (HI): 2300 HI{index:02d}-1"
            if qualifier in _ICD9:
                claim.errors.append(
                    f"{where} is {qualifier}, an ICD-9-CM qualifier: cleanclaim checks "
                    "ICD-10-CM codes (ABK, ABF) only"
                )
                continue
            principal = _ICD10.get(qualifier)
            if principal is None:
                if not claim.diagnoses and index == 1:
                    return ()  # another kind of HI (condition codes, anesthesia)
                continue
            if principal and (claim.principal_seen or claim.diagnoses):
                claim.errors.append(f"{where}: ABK (the principal diagnosis) is not first")
                continue
            if not principal and not claim.principal_seen:
                claim.errors.append(f"{where}: ABF before the principal diagnosis (ABK)")
                continue
            claim.principal_seen = claim.principal_seen or principal
            if not code:
                claim.errors.append(f"segment {pos} (HI): 2300 HI{index:02d}-2 has no code")
                continue
            number = len(claim.diagnoses)
            claim.diagnoses.append(code)
            claim.locations[f"diagnoses[{number}]"] = f"2300 HI{index:02d}-2, segment {pos}"
            claim.locations.setdefault("diagnoses", f"2300 HI01, segment {pos}")
        return ()

    def on_lx(self, elements: list[str]) -> Iterable[ReadClaim]:
        if self.claim is None:
            return ()
        self.loop = "2400"
        self.line = _Line(self.position, len(self.claim.lines))
        self.claim.lines.append(self.line)
        return ()

    def on_sv1(self, elements: list[str]) -> Iterable[ReadClaim]:
        line, claim = self.line, self.claim
        if line is None or claim is None or self.loop != "2400":
            return ()
        pos = self.position
        line.sv1 = pos
        where = f"segment {pos} (SV1): 2400"
        parts = _element(elements, 1).split(self._component)
        qualifier = parts[0].strip().upper()
        if qualifier != "HC":
            claim.errors.append(
                f"{where} SV101-1 is {qualifier or 'empty'}: only HC (HCPCS/CPT) procedure "
                "codes are read"
            )
        line.procedure = parts[1].strip() if len(parts) > 1 else ""
        line.modifiers = [m.strip() for m in parts[2:6] if m.strip()]
        charge = _element(elements, 2)
        if charge:
            line.charge = _number(charge)
            if line.charge is None:
                claim.errors.append(f"{where} SV102, the charge, is not a number")
        basis, quantity = _element(elements, 3).upper(), _element(elements, 4)
        if quantity:
            amount = _number(quantity)
            if amount is None or amount != amount.to_integral_value():
                claim.errors.append(f"{where} SV104, the quantity, is not a whole number")
            elif basis == "UN":
                line.units = int(amount)
            elif basis == "MJ":
                line.minutes = int(amount)
            else:
                claim.errors.append(
                    f"{where} SV103 is {basis or 'empty'}: the quantity is read as units "
                    "(UN) or minutes (MJ) only"
                )
        pointers = _element(elements, 7)
        for index, raw in enumerate(pointers.split(self._component) if pointers else []):
            raw = raw.strip()
            if not raw:
                continue
            if not raw.isdigit():
                claim.errors.append(
                    f"{where} SV107-{index + 1}, a diagnosis pointer, is not a number"
                )
                continue
            line.pointers.append(int(raw))
        return ()

    # -- a claim as cleanclaim JSON ----------------------------------------------------

    def finish(self, claim: _Claim) -> list[ReadClaim]:
        """The claim as cleanclaim JSON: one claim per date of service of its lines
        (`by_date`), or one invalid record with its errors."""
        errors = list(claim.errors)
        locations = claim.locations
        origin_ids = claim.ids
        # each line's date: its own DTP*472, else the claim's; a line without either takes
        # the date of the other lines when they agree on one (the claim's only date)
        dated = [line for line in claim.lines if line.day is not None]
        own = {line.day for line in dated}
        fallback = (
            claim.day if claim.day is not None else (next(iter(own)) if len(own) == 1 else None)
        )
        line_days: list[date | None] = [line.day or fallback for line in claim.lines]
        day_at: dict[date, str] = {}
        for line, served in zip(claim.lines, line_days, strict=True):
            if served is None or served in day_at:
                continue
            if line.day is not None:
                day_at[served] = f"2400 DTP03, segment {line.dtp}"
            elif claim.day is not None:
                day_at[served] = f"2300 DTP03, segment {claim.dtp}"
            else:  # the other lines' one date
                first = dated[0]
                day_at[served] = f"2400 DTP03, segment {first.dtp}"
        where = f"segment {claim.position} (CLM)"
        if not claim.diagnoses and not any("(HI)" in e for e in errors):
            errors.append(f"{where}: no ICD-10-CM diagnosis (HI with ABK) in this claim")
        day: date | None = None
        if not dated and claim.day is None:
            if not any("(DTP)" in e for e in errors):
                errors.append(f"{where}: no service date (DTP*472 on a line or the claim)")
        else:
            for line, served in zip(claim.lines, line_days, strict=True):
                if served is None:
                    errors.append(
                        f"segment {line.position} (LX): a service line without its date "
                        "(DTP*472), on a claim without one whose other lines have several "
                        "dates: the line's date of service cannot be told"
                    )
            known = [d for d in line_days if d is not None]
            day = min(known) if known else claim.day
            if day is not None and day not in day_at:  # a claim without lines
                day_at[day] = f"2300 DTP03, segment {claim.dtp}"
            if day is not None:
                locations["date_of_service"] = day_at[day]
        out: dict[str, Any] = {}
        if claim.claim_id:
            out["claim_id"] = claim.claim_id
        if day is not None:
            out["date_of_service"] = day.isoformat()
        if claim.payer:
            out["payer"] = "medicare" if claim.payer in MEDICARE_FILING_CODES else "commercial"
        if claim.place:
            out["place_of_service"] = claim.place
        taxonomy = claim.taxonomy or self.billing_taxonomy
        if taxonomy:
            specialty = _specialty(taxonomy[0], self.specialties)
            if specialty:
                out["specialty"] = specialty
                loop = "2310B" if claim.taxonomy else "2000A"
                locations["specialty"] = f"{loop} PRV03, segment {taxonomy[1]}"
        party = claim.party
        if party is not None and party.dmg is not None:
            patient: dict[str, Any] = {}
            if party.birth is not None and day is not None:
                birth = party.birth
                age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
                if age < 0:
                    errors.append(
                        f"segment {party.dmg} (DMG): {party.loop} DMG02, the birth date, is "
                        f"after the date of service of the claim at segment {claim.position}"
                    )
                else:
                    patient["age"] = age
                    locations["patient.age"] = f"{party.loop} DMG02, segment {party.dmg}"
            if party.sex:
                patient["sex"] = party.sex
                locations["patient.sex"] = f"{party.loop} DMG03, segment {party.dmg}"
            if patient:
                out["patient"] = patient
                locations["patient"] = f"{party.loop} DMG, segment {party.dmg}"
        out["diagnoses"] = list(claim.diagnoses)
        lines: list[dict[str, Any]] = []
        out_days: list[date] = []
        for line, served in zip(claim.lines, line_days, strict=True):
            if line.sv1 is None:
                errors.append(f"segment {line.position} (LX): a service line (2400) without SV1")
                continue
            index = len(lines)
            item: dict[str, Any] = {"procedure": line.procedure or ""}
            if line.modifiers:
                item["modifiers"] = line.modifiers
            if line.units is not None:
                item["units"] = line.units
            if line.minutes is not None:
                item["minutes"] = line.minutes
            if line.pointers:
                item["diagnosis_pointers"] = line.pointers
            if line.charge is not None:
                item["charge"] = line.charge
            lines.append(item)
            out_days.append(served or day or date.min)
            _line_locations(locations, index, line)
        out["lines"] = lines
        origin = Origin(
            format=NAME,
            file=self.file,
            segment=claim.position,
            ids=origin_ids,
            locations=locations,
        )
        if errors:
            return [ReadClaim(origin, None, tuple(errors))]
        born = party.birth if party is not None and party.dmg is not None else None
        return by_date(ReadClaim(origin, out), out_days, day_at, birth=born)

    @property
    def _component(self) -> str:
        return self.separators.component


def _line_locations(locations: dict[str, str], index: int, line: _Line) -> None:
    sv1 = f"segment {line.sv1}"
    key = f"lines[{index}]"
    locations[key] = f"2400 SV1-01, {sv1}"
    locations[f"{key}.procedure"] = f"2400 SV1-01-2, {sv1}"
    locations[f"{key}.modifiers"] = f"2400 SV1-01-3, {sv1}"
    for number in range(len(line.modifiers)):
        locations[f"{key}.modifiers[{number}]"] = f"2400 SV1-01-{number + 3}, {sv1}"
    locations[f"{key}.charge"] = f"2400 SV1-02, {sv1}"
    locations[f"{key}.units"] = f"2400 SV1-04, {sv1}"
    locations[f"{key}.minutes"] = f"2400 SV1-04, {sv1}"
    locations[f"{key}.diagnosis_pointers"] = f"2400 SV1-07, {sv1}"
    for number in range(len(line.pointers)):
        locations[f"{key}.diagnosis_pointers[{number}]"] = f"2400 SV1-07-{number + 1}, {sv1}"
    if line.dtp is not None:
        locations[f"{key}.date_of_service"] = f"2400 DTP03, segment {line.dtp}"


_Handler = Callable[[_Parser, list[str]], Iterable[ReadClaim]]
_ENVELOPE: dict[str, _Handler] = {
    "ISA": _Parser.on_isa,
    "IEA": _Parser.on_iea,
    "GS": _Parser.on_gs,
    "GE": _Parser.on_ge,
    "ST": _Parser.on_st,
    "SE": _Parser.on_se,
}
_BODY: dict[str, _Handler] = {
    "HL": _Parser.on_hl,
    "SBR": _Parser.on_sbr,
    "NM1": _Parser.on_nm1,
    "DMG": _Parser.on_dmg,
    "PRV": _Parser.on_prv,
    "CLM": _Parser.on_clm,
    "DTP": _Parser.on_dtp,
    "HI": _Parser.on_hi,
    "LX": _Parser.on_lx,
    "SV1": _Parser.on_sv1,
}
