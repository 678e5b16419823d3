"""FHIR R4 ``Claim`` resources, alone or in a ``Bundle``, read into cleanclaim claims.

An EHR hands over a ``Claim`` (or a ``Bundle`` holding ``Claim``, ``Patient`` and
``Coverage`` resources); cleanclaim checks the claim dict this reader makes of it exactly
as it checks a claim written as cleanclaim JSON, and every finding points back at the FHIR
path (``Claim.item[1].modifier[0]``) through [`Origin.locations`][cleanclaim.formats.base.Origin].

Reading is lenient where the specification is strict: real claims omit elements R4 marks
required (``status``, ``use``, ``provider``, ``priority``, ``insurance``...) and this reader
never asks for them.  What cleanclaim itself needs and cannot find (a date of service, a
diagnosis coded in ICD-10-CM, a procedure coded in CPT or HCPCS) is an error naming its
FHIR path, and the record is ``invalid``; it is never guessed.  The mapping, element by
element, is in docs/guides/fhir.md.

No FHIR library is needed: the resources are plain JSON and only a dozen elements are
read.  ``fhir.resources`` (the ``cleanclaim[fhir]`` extra) is used by the tests only, to
check that the samples are valid R4.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from cleanclaim.formats.base import FormatError, Origin, ReadClaim, by_date

NAME = "fhir"

#: code systems by their canonical URIs (HL7 Terminology, "Using ... with FHIR"; US Core's
#: VSAC name map).  HCPCS Level II's URI was corrected from http to https in 2023 (THO
#: UP-472); both, and its OID, are accepted.
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = frozenset(
    {
        "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "urn:oid:2.16.840.1.113883.6.285",
    }
)
PROCEDURE_SYSTEMS = frozenset({CPT, *HCPCS})
#: CMS Place of Service codes (THO CodeSystem CMSPlaceofServiceCodes).
POS = frozenset(
    {
        "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
        "http://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
    }
)
#: Source of Payment Typology (PHDSC/NAHDO; US Core binds Coverage.type to it).
SOPT = frozenset({"https://nahdo.org/sopt", "urn:oid:2.16.840.1.113883.3.221.5"})
#: SOPT codes read as Medicare: 1 MEDICARE, 12 Medicare (Non-managed Care), 121 Medicare
#: FFS.  Medicare Advantage (11x) plans are private plans with rules of their own and are
#: not given the Medicare profile; neither are hospice (13) or dual eligibility (14).
MEDICARE_SOPT = frozenset({"1", "12", "121"})
#: code systems a wrong diagnosis is most often coded in, named in the error; any other
#: system is "another code system" (a URI is the sender's text, not quoted).
KNOWN_SYSTEMS = {
    "http://hl7.org/fhir/sid/icd-9-cm": "ICD-9-CM",
    "http://hl7.org/fhir/sid/icd-10": "ICD-10 (WHO)",
    "http://snomed.info/sct": "SNOMED CT",
    "http://hl7.org/fhir/sid/icd-10-pcs": "ICD-10-PCS",
    "http://www.icd10data.com/icd10pcs": "ICD-10-PCS",
    "http://loinc.org": "LOINC",
}
UCUM = "http://unitsofmeasure.org"
#: NUCC Health Care Provider Taxonomy, the code system of careTeam.qualification.
NUCC = "http://nucc.org/provider-taxonomy"
CARE_TEAM_ROLE = frozenset({"http://terminology.hl7.org/CodeSystem/claimcareteamrole"})
_MINUTE_UNITS = frozenset({"min", "minute", "minutes", "mins"})
#: FHIR administrative-gender to cleanclaim's sex: other and unknown tell no sex edit.
_SEX = {"female": "F", "male": "M", "other": "U", "unknown": "U"}
_RESOURCE_TYPE = re.compile(rb'"resourceType"\s*:\s*"(Claim|Bundle)"')
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$")
_BOM = b"\xef\xbb\xbf"


class FhirReader:
    """The ``fhir`` input format (the [`Reader`][cleanclaim.formats.base.Reader] protocol)."""

    name = NAME

    def detect(self, head: bytes) -> bool:
        """A JSON object whose ``resourceType`` (in the first 4 KiB) is Claim or Bundle;
        a cleanclaim JSON claim has no ``resourceType`` member."""
        text = head[len(_BOM) :] if head.startswith(_BOM) else head
        text = text.lstrip()
        return text.startswith(b"{") and _RESOURCE_TYPE.search(text) is not None

    def read(self, stream: IO[bytes], file: str | None) -> Iterator[ReadClaim]:
        """Every Claim of the file: a bare Claim, each Claim entry of a Bundle in entry
        order, or each Claim of an NDJSON file (one resource a line) in line order.  A
        document that is not JSON, or holds no Claim, raises ``FormatError``; in NDJSON a
        line that cannot be read is a record with errors, and the file goes on."""
        return read(stream, file)


def read(stream: IO[bytes], file: str | None = None) -> Iterator[ReadClaim]:
    """The claims of one FHIR file, in file order.

    A JSON document (a Claim or a Bundle, pretty-printed or not) is read whole, up to
    `MAX_DOCUMENT_BYTES`: a Bundle's references may point anywhere in it.  A file of one
    resource per line (NDJSON, as FHIR Bulk Data exports them) is read line by line in
    flat memory, each line's Claims on their own.
    """
    name = file or "<input>"
    first, number = _next_line(stream)
    if first is None:
        raise FormatError(f"{name}: empty; a FHIR Claim or Bundle was expected")
    single = _line_resource(first)
    if not isinstance(single, dict):  # a document over several lines: read it whole
        rest = stream.read(MAX_DOCUMENT_BYTES + 1 - len(first))
        if len(first) + len(rest) > MAX_DOCUMENT_BYTES:
            raise FormatError(
                f"{name}: larger than {MAX_DOCUMENT_BYTES // 1024 // 1024} MB; write the "
                "claims one resource a line (NDJSON)"
            )
        return iter(list(claims_of(_load(first + rest, file), file)))
    following, at = _next_line(stream, number)
    if following is None:  # one resource on one line: a document like any other
        return iter(list(claims_of(single, file)))
    return _ndjson(stream, file, [(number, first, single), (at, following, None)])


#: the largest FHIR document read whole; NDJSON has no limit but its line's.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
#: the longest NDJSON line (one resource) read; a longer one is an error, never held whole.
MAX_LINE_BYTES = 10 * 1024 * 1024


def _next_line(stream: IO[bytes], after: int = 0) -> tuple[bytes | None, int]:
    """The next line that is not blank and its 1-based number (``after`` lines read)."""
    number = after
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return None, number
        number += 1
        if raw.strip():
            return raw, number


def _line_resource(raw: bytes) -> Any:
    """The JSON value of one line, or None when the line is not JSON on its own."""
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_float=Decimal)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError too
        return None


def _ndjson(
    stream: IO[bytes], file: str | None, pending: list[tuple[int, bytes, Any]]
) -> Iterator[ReadClaim]:
    """The Claims of an NDJSON file, one line at a time; a line that cannot be read is an
    invalid record naming it, and the file goes on.  Lines of other resource types
    (Patient, Coverage, ...) are not claims and are passed over; a Claim's references
    resolve only to its contained resources (memory stays flat)."""
    last = pending[-1][0]
    queue = list(pending)
    while True:
        if not queue:
            raw, last = _next_line(stream, last)
            if raw is None:
                return
            queue.append((last, raw, None))
        number, raw, value = queue.pop(0)
        if len(raw) > MAX_LINE_BYTES:
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_LINE_BYTES)
            yield _bad_line(number, f"line {number}: longer than {MAX_LINE_BYTES:,} bytes", file)
            continue
        if value is None:
            value = _line_resource(raw)
        if not isinstance(value, dict):
            yield _bad_line(number, f"line {number}: not a JSON object on one line", file)
            continue
        kind = value.get("resourceType")
        if kind == "Claim":
            for found in read_claim(value, _Index({}), file=file):
                yield _with_line(found, number)
        elif kind == "Bundle":
            try:
                for found in claims_of(value, file):
                    yield _with_line(found, number)
            except FormatError as exc:
                problem = str(exc).removeprefix(f"{file or '<input>'}: ")
                yield _bad_line(number, f"line {number}: {problem}", file)


def _bad_line(number: int, problem: str, file: str | None) -> ReadClaim:
    return ReadClaim(Origin(format=NAME, file=file, line=number), None, (problem,))


def _with_line(found: ReadClaim, number: int) -> ReadClaim:
    origin = found.origin
    moved = Origin(
        format=origin.format,
        file=origin.file,
        line=number,
        entry=origin.entry,
        ids=origin.ids,
        locations=origin.locations,
    )
    return ReadClaim(moved, found.claim, found.errors)


def _load(raw: bytes, file: str | None) -> dict[str, Any]:
    name = file or "<input>"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError(f"{name}: UTF-16 text; save the FHIR resource as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{name}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except (ValueError, RecursionError):
        raise FormatError(
            f"{name}: not valid JSON (a number too long, or nested too deeply)"
        ) from None
    if not isinstance(data, dict):
        raise FormatError(f"{name}: a FHIR resource is a JSON object, not {type(data).__name__}")
    return data


def claims_of(resource: Mapping[str, Any], file: str | None = None) -> Iterator[ReadClaim]:
    """The claims of a parsed FHIR resource: a Claim, or the Claim entries of a Bundle
    (its Patient, Coverage and Organization entries resolve the Claims' references)."""
    name = file or "<input>"
    kind = resource.get("resourceType")
    if kind == "Claim":
        yield from read_claim(resource, _Index({}), file=file)
        return
    if kind != "Bundle":
        shown = repr(kind) if isinstance(kind, str) and kind.isalnum() and len(kind) < 40 else ""
        raise FormatError(
            f"{name}: resourceType {shown or '(not a resource name)'}: cleanclaim reads a "
            "FHIR Claim or a Bundle of Claims"
        )
    entries = resource.get("entry")
    if not isinstance(entries, list):
        entries = []
    index = _Index.of(entries)
    found = False
    for number, entry in enumerate(entries, start=1):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(res, dict) and res.get("resourceType") == "Claim":
            found = True
            yield from read_claim(res, index, file=file, entry=number)
    if not found:
        raise FormatError(f"{name}: a FHIR Bundle with no Claim entry")


class _Index:
    """The resources a Claim's references can point at: a Bundle's entries by fullUrl and
    by ``Type/id``, and a Claim's own contained resources by ``#id``."""

    def __init__(self, by_ref: dict[str, dict[str, Any]]) -> None:
        self.by_ref = by_ref

    @classmethod
    def of(cls, entries: list[Any]) -> _Index:
        by_ref: dict[str, dict[str, Any]] = {}
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            res = entry.get("resource")
            if not isinstance(res, dict):
                continue
            full = entry.get("fullUrl")
            if isinstance(full, str):
                by_ref[full] = res
            kind, rid = res.get("resourceType"), res.get("id")
            if isinstance(kind, str) and isinstance(rid, str):
                by_ref.setdefault(f"{kind}/{rid}", res)
        return cls(by_ref)

    def resolve(self, ref: Any, claim: Mapping[str, Any], kind: str) -> dict[str, Any] | None:
        """The resource of type ``kind`` a Reference points at, or None when it is not in
        the file (a reference to a server the claim came from is not followed)."""
        if not isinstance(ref, dict):
            return None
        target = ref.get("reference")
        if not isinstance(target, str):
            return None
        found: Any = None
        if target.startswith("#"):
            for res in _list(claim.get("contained")):
                if isinstance(res, dict) and res.get("id") == target[1:]:
                    found = res
                    break
        else:
            found = self.by_ref.get(target)
            if found is None and "/" in target:  # an absolute URL ending in Type/id
                found = self.by_ref.get("/".join(target.rstrip("/").split("/")[-2:]))
        if isinstance(found, dict) and found.get("resourceType") == kind:
            return found
        return None


def _list(value: Any) -> list[Any]:
    """A JSON array member, or no elements when it holds something else."""
    return value if isinstance(value, list) else []


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    codings = concept.get("coding")
    return [c for c in codings if isinstance(c, dict)] if isinstance(codings, list) else []


def _code_in(concept: Any, systems: frozenset[str]) -> tuple[str | None, str | None]:
    """(code, None) from the concept's first coding in ``systems`` (a coding without a
    system is taken only when no coding names one); else (None, why)."""
    codings = _codings(concept)
    if not codings:
        return None, "no coding"
    for coding in codings:
        if coding.get("system") in systems and isinstance(coding.get("code"), str):
            return coding["code"], None
    if any(coding.get("system") in systems for coding in codings):
        return None, "its coding has no code"  # said as it is (see _missing)
    if all("system" not in c for c in codings):
        code = codings[0].get("code")
        if isinstance(code, str):
            return code, None
    named = [KNOWN_SYSTEMS.get(c.get("system", "")) for c in codings]
    known = next((n for n in named if n), None)
    return None, f"coded in {known}" if known else "coded in another code system"


def _missing(why: str | None, wanted: str) -> str:
    """``why`` a code was not found, with what was wanted: ``coded in SNOMED CT, not
    ICD-10-CM (...)``; a coding of the right system without a code is said as it is."""
    if why is not None and why.startswith("its "):
        return why
    return f"{why}, not {wanted}"


def _full_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    match = _FULL_DATE.match(value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def read_claim(
    claim: Mapping[str, Any],
    index: _Index | None = None,
    *,
    file: str | None = None,
    entry: int | None = None,
) -> list[ReadClaim]:
    """One FHIR Claim as cleanclaim claims, with the FHIR path of every element read: one
    claim, or one per date of service when its items fall on several dates
    ([`by_date`][cleanclaim.formats.base.by_date]), or one invalid record.

    ``index`` resolves the Claim's references to Patient and Coverage resources (a
    Bundle's); errors name the FHIR path and never quote claim content.
    """
    index = index or _Index({})
    out: dict[str, Any] = {}
    loc: dict[str, str] = {}
    errors: list[str] = []
    ids: dict[str, str] = {}

    claim_id = claim.get("id")
    if isinstance(claim_id, str) and claim_id:
        out["claim_id"] = claim_id
        ids["claim"] = claim_id
        loc["claim_id"] = "Claim.id"

    # -- diagnoses, in the order of their sequence numbers ------------------------------
    raw_dx = claim.get("diagnosis")
    diagnoses: list[tuple[int, int, str]] = []  # (sequence, FHIR index, code)
    if isinstance(raw_dx, list):
        for i, dx in enumerate(raw_dx):
            path = f"Claim.diagnosis[{i}]"
            if not isinstance(dx, dict):
                errors.append(f"{path}: not a JSON object")
                continue
            seq = dx.get("sequence")
            if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 1):
                seq = None
            concept = dx.get("diagnosisCodeableConcept")
            if concept is None:
                reason = (
                    "a diagnosisReference; cleanclaim reads diagnosisCodeableConcept only"
                    if "diagnosisReference" in dx
                    else "no diagnosisCodeableConcept"
                )
                errors.append(f"{path}: {reason}")
                continue
            code, why = _code_in(concept, frozenset({ICD10CM}))
            if code is None:
                errors.append(f"{path}: {_missing(why, f'ICD-10-CM ({ICD10CM})')}")
                continue
            diagnoses.append((seq if seq is not None else 10_000 + i, i, code))
    if not diagnoses and not errors:
        errors.append("Claim.diagnosis: missing; a claim needs at least one ICD-10-CM diagnosis")
    diagnoses.sort()
    sequences = [seq for seq, _, _ in diagnoses]
    if len(set(sequences)) != len(sequences):
        errors.append("Claim.diagnosis: two diagnoses have the same sequence")
    pointer_of = {seq: n for n, seq in enumerate(sequences, start=1)}
    out["diagnoses"] = [code for _, _, code in diagnoses]
    loc["diagnoses"] = "Claim.diagnosis"
    for n, (_, i, _) in enumerate(diagnoses):
        loc[f"diagnoses[{n}]"] = f"Claim.diagnosis[{i}]"

    # -- service lines -------------------------------------------------------------------
    billable = claim.get("billablePeriod")
    claim_start = billable.get("start") if isinstance(billable, dict) else None
    day: date | None = None
    day_path = ""
    # each line's own date (servicedDate, servicedPeriod.start); the others take the
    # claim's billablePeriod.start.  Lines of several dates are one claim per date.
    item_days: dict[int, date] = {}
    day_at: dict[date, str] = {}
    bad_date = False
    places: list[tuple[int, str, str]] = []  # (line, place, path)
    lines: list[dict[str, Any]] = []
    raw_items = claim.get("item")
    items = raw_items if isinstance(raw_items, list) else []
    loc["lines"] = "Claim.item"
    for i, item in enumerate(items):
        path = f"Claim.item[{i}]"
        if not isinstance(item, dict):
            errors.append(f"{path}: not a JSON object")
            continue
        line: dict[str, Any] = {}
        loc[f"lines[{i}]"] = path
        code, why = _code_in(item.get("productOrService"), PROCEDURE_SYSTEMS)
        if code is None:
            errors.append(f"{path}.productOrService: {_missing(why, 'CPT or HCPCS')}")
        else:
            line["procedure"] = code
        loc[f"lines[{i}].procedure"] = f"{path}.productOrService"
        modifiers = []
        for j, modifier in enumerate(_list(item.get("modifier"))):
            mod, why = _code_in(modifier, PROCEDURE_SYSTEMS)
            if mod is None:
                errors.append(f"{path}.modifier[{j}]: {_missing(why, 'a CPT or HCPCS modifier')}")
            else:
                modifiers.append(mod)
            loc[f"lines[{i}].modifiers[{j}]"] = f"{path}.modifier[{j}]"
        if modifiers:
            line["modifiers"] = modifiers
        loc[f"lines[{i}].modifiers"] = f"{path}.modifier"
        _quantity(item.get("quantity"), f"{path}.quantity", line, errors)
        loc[f"lines[{i}].units"] = f"{path}.quantity"
        pointers = []
        for j, seq in enumerate(_list(item.get("diagnosisSequence"))):
            pointer = pointer_of.get(seq) if type(seq) is int else None
            if pointer is None:
                errors.append(f"{path}.diagnosisSequence[{j}]: points at no diagnosis of the claim")
            else:
                pointers.append(pointer)
            loc[f"lines[{i}].diagnosis_pointers[{j}]"] = f"{path}.diagnosisSequence[{j}]"
        if pointers:
            line["diagnosis_pointers"] = pointers
        loc[f"lines[{i}].diagnosis_pointers"] = f"{path}.diagnosisSequence"
        net = item.get("net")
        if isinstance(net, dict) and isinstance(net.get("value"), Decimal | int):
            line["charge"] = str(net["value"])
            loc[f"lines[{i}].charge"] = f"{path}.net"
        # the line's date: servicedDate, else servicedPeriod.start, else the claim's
        period = item.get("servicedPeriod")
        for raw, where in (
            (item.get("servicedDate"), f"{path}.servicedDate"),
            (
                period.get("start") if isinstance(period, dict) else None,
                f"{path}.servicedPeriod.start",
            ),
        ):
            if raw is None:
                continue
            seen = _full_date(raw)
            if seen is None:
                bad_date = True
                errors.append(f"{where}: not a full date (YYYY-MM-DD)")
            else:
                item_days[len(lines)] = seen
                day_at.setdefault(seen, where)
            break
        place, _ = _code_in(item.get("locationCodeableConcept"), POS)
        if place is not None:
            places.append((len(lines), place, f"{path}.locationCodeableConcept"))
        lines.append(line)
    if lines:
        out["lines"] = lines
    claim_day: date | None = None
    if claim_start is not None and (len(item_days) < len(lines) or not item_days):
        claim_day = _full_date(claim_start)  # read only when a line takes it
        if claim_day is None:
            bad_date = True
            errors.append("Claim.billablePeriod.start: not a full date (YYYY-MM-DD)")
    line_days: list[date | None] = [item_days.get(n, claim_day) for n in range(len(lines))]
    if claim_day is not None:
        day_at.setdefault(claim_day, "Claim.billablePeriod.start")
    known = [d for d in line_days if d is not None] or ([claim_day] if claim_day else [])
    if known:
        day = min(known)
        day_path = day_at[day]
    if len(set(known)) > 1 and None in line_days and not bad_date:
        errors.append(
            "Claim.billablePeriod.start: missing, and items have several dates: the date of "
            "an item without servicedDate cannot be told"
        )
    if day is None and not bad_date:
        errors.append(
            "Claim.item.servicedDate: missing (no item has servicedDate or servicedPeriod.start, "
            "and the claim has no billablePeriod.start); cleanclaim needs the date of service"
        )
    if day is not None:
        out["date_of_service"] = day.isoformat()
        loc["date_of_service"] = day_path
    # one place of service per date: the items of one date must agree; the items of
    # another date may name another place (a claim is checked per date, `by_date`)
    place_on: dict[date | None, tuple[str, str]] = {}
    for n, place, where in places:
        held = place_on.setdefault(line_days[n], (place, where))
        if held[0] != place:
            errors.append(
                "Claim.item.locationCodeableConcept: items of one date of service name "
                "different places of service; cleanclaim checks one place of service per "
                "claim and date"
            )
            break
    if places:
        _, place, where = places[0]
        out["place_of_service"] = place
        loc["place_of_service"] = where

    specialty, specialty_path = _specialty(claim)
    if specialty is not None:
        out["specialty"] = specialty
        loc["specialty"] = specialty_path

    # -- payer and patient -----------------------------------------------------------------
    payer, payer_path = _payer(claim, index)
    if payer is not None:
        out["payer"] = payer
        loc["payer"] = payer_path
    patient = index.resolve(claim.get("patient"), claim, "Patient")
    if patient is not None:
        loc["patient"] = "Claim.patient"
        person: dict[str, Any] = {}
        born_raw = patient.get("birthDate")
        born = _full_date(born_raw)
        if born is not None and day is not None:
            if born > day:
                errors.append("Patient.birthDate: after the date of service")
            else:
                person["age"] = _age(born, day)
                loc["patient.age"] = "Patient.birthDate"
        gender = patient.get("gender")
        if isinstance(gender, str) and gender in _SEX:
            person["sex"] = _SEX[gender]
            loc["patient.sex"] = "Patient.gender"
        if person:
            out["patient"] = person

    origin = Origin(format=NAME, file=file, entry=entry, ids=ids, locations=loc)
    if errors:
        return [ReadClaim(origin, None, tuple(errors))]
    birth = _full_date(patient.get("birthDate")) if patient is not None else None
    served = [d or date.min for d in line_days]
    parts = by_date(ReadClaim(origin, out), served, day_at, birth=birth)
    if len(parts) > 1 and place_on:  # each date's own place, where its items name one
        return [_placed_on(part, place_on) for part in parts]
    return parts


def _placed_on(part: ReadClaim, place_on: Mapping[date | None, tuple[str, str]]) -> ReadClaim:
    """A part of a Claim checked per date, with the place of service its own items name
    (else the Claim's first, as for a Claim of one date)."""
    if part.claim is None:
        return part
    found = place_on.get(date.fromisoformat(part.claim["date_of_service"]))
    if found is None:
        return part
    claim = {**part.claim, "place_of_service": found[0]}
    locations = {**part.origin.locations, "place_of_service": found[1]}
    return ReadClaim(replace(part.origin, locations=locations), claim)


def _quantity(quantity: Any, path: str, line: dict[str, Any], errors: list[str]) -> None:
    """``item.quantity`` is the count of units billed.  A quantity in minutes (UCUM
    ``min``) says how long, not how many units were billed: reading it as units, or
    deriving units from it, would put words in the biller's mouth, so it is an error."""
    if quantity is None:
        return
    if not isinstance(quantity, dict):
        errors.append(f"{path}: not a Quantity")
        return
    unit = quantity.get("code") if quantity.get("system") == UCUM else None
    unit = unit or quantity.get("unit")
    if isinstance(unit, str) and unit.strip().lower() in _MINUTE_UNITS:
        errors.append(
            f"{path}: given in minutes; cleanclaim needs the units billed: write the "
            "quantity as a count of units"
        )
        return
    value = quantity.get("value")
    if value is None:
        return
    try:
        number = Decimal(value) if not isinstance(value, bool) else None
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is None or number != number.to_integral_value() or not 0 <= number <= 9999:
        errors.append(f"{path}.value: not a whole number of units from 0 to 9999")
        return
    line["units"] = int(number)


def _specialty(claim: Mapping[str, Any]) -> tuple[str | None, str]:
    """The specialty hint from the care team's NUCC taxonomy, with the table the X12
    reader uses for PRV03 (`cleanclaim.formats.x12.TAXONOMY_SPECIALTIES`): the member in
    the ``primary`` role first, else the first member with a NUCC qualification.  A code
    the table does not name leaves the claim without a hint, as a JSON claim without one."""
    from cleanclaim.formats.x12 import TAXONOMY_PREFIXES, TAXONOMY_SPECIALTIES

    team = [m for m in _list(claim.get("careTeam")) if isinstance(m, dict)]
    primary = [
        n for n, m in enumerate(team) if _code_in(m.get("role"), CARE_TEAM_ROLE)[0] == "primary"
    ]
    for n in [*primary, *range(len(team))]:
        for coding in _codings(team[n].get("qualification")):
            code = coding.get("code")
            if coding.get("system") == NUCC and isinstance(code, str):
                code = code.strip().upper()
                found = TAXONOMY_SPECIALTIES.get(code) or TAXONOMY_PREFIXES.get(code[:4])
                return found, f"Claim.careTeam[{n}].qualification"
    return None, ""


def _payer(claim: Mapping[str, Any], index: _Index) -> tuple[str | None, str]:
    """The claim's payer id and the FHIR path it came from.

    ``medicare`` when the focal insurance's Coverage (in the Bundle, or contained) has a
    Source of Payment Typology type 1, 12 or 121 (traditional Medicare); else the
    insurer's identifier value (lower-cased), from ``Claim.insurer`` or the Coverage's
    payor, which gets commercial defaults unless an override file names it, as the
    report's ``payer`` note says; else none (the report says "no payer given")."""
    insurance = [i for i in _list(claim.get("insurance")) if isinstance(i, dict)]
    focal = next((n for n, i in enumerate(insurance) if i.get("focal") is True), 0)
    coverage = None
    cov_path = ""
    if insurance:
        coverage = index.resolve(insurance[focal].get("coverage"), claim, "Coverage")
        cov_path = f"Claim.insurance[{focal}].coverage"
    if coverage is not None:
        for coding in _codings(coverage.get("type")):
            if coding.get("system") in SOPT and coding.get("code") in MEDICARE_SOPT:
                return "medicare", cov_path
    insurer = claim.get("insurer")
    candidates: list[tuple[Any, str]] = [(insurer, "Claim.insurer")]
    if coverage is not None:
        payors = coverage.get("payor")
        if isinstance(payors, list) and payors:
            candidates.append((payors[0], f"{cov_path} (Coverage.payor)"))
    for ref, path in candidates:
        if not isinstance(ref, dict):
            continue
        ident = ref.get("identifier")
        if not isinstance(ident, dict):
            org = index.resolve(ref, claim, "Organization")
            idents = org.get("identifier") if org else None
            ident = idents[0] if isinstance(idents, list) and idents else None
        value = ident.get("value") if isinstance(ident, dict) else None
        if isinstance(value, str) and value.strip():
            return value.strip().lower(), path
    return None, ""
