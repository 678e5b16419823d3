"""The claim that comes in and the report that goes out.

These models are the JSON contract of DESIGN.md: vendors serialise their claims into
[`Claim`][cleanclaim.models.Claim] and read [`Report`][cleanclaim.models.Report] back.  Validation
happens once, at the edge, so
the rules can trust every field they read.  Unknown fields are rejected rather than
ignored: a misspelt ``documentaton`` silently dropped would turn into false
"not documented" findings, which is worse than a clear input error.  Vendors who need to
carry their own data use ``extensions``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cleanclaim.codes import (
    CANONICAL_DIAGNOSIS,
    CANONICAL_MODIFIER,
    CANONICAL_PROCEDURE,
    DIAGNOSIS_SHAPE,
    MODIFIER_SHAPE,
    PROCEDURE_SHAPE,
)

# The normalisers' home is `cleanclaim.codes`; plugins of API 1 imported them from here.
from cleanclaim.codes import normalize_diagnosis as normalize_diagnosis
from cleanclaim.codes import normalize_procedure as normalize_procedure
from cleanclaim.options import ReadOnlyDict

Severity = Literal["error", "warning", "info"]
Status = Literal["clean", "warning", "error"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

#: what a code a coder typed wrong can look like; anything else is not echoed back.
_ECHOABLE = re.compile(r"^[A-Za-z0-9. -]{1,12}$")

#: service lines on one claim: the X12 837P allows 50 (loop 2400).  The cap also keeps the
#: pairwise rules (CLM203 compares every two lines) bounded in time on hostile input.
MAX_LINES = 50
#: diagnoses on one claim: CMS-1500 item 21 has twelve (A-L), as does the X12 837P HI
#: segment of a professional claim.
MAX_DIAGNOSES = 12
#: diagnosis pointers on one service line: CMS-1500 item 24E and X12 837P SV107 hold four.
MAX_POINTERS = 4


def shown(raw: object) -> str:
    """A rejected value as an error message may quote it: only if it looks like a code.

    A 300-character "diagnosis" is more likely a pasted note than a typo, and error
    messages end up in logs; so only short code-like values are echoed, anything else is
    described by its length alone.

    :param raw: the value as the input gave it.
    """
    if isinstance(raw, str) and _ECHOABLE.match(raw):
        return repr(raw)
    if isinstance(raw, str):
        return f"(a value of {len(raw)} characters, not shown)"
    return f"(a {type(raw).__name__}, not shown)"


_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,40}$")


def describe_validation(exc: ValidationError, whole: str = "claim") -> str:
    """One line per problem naming the field (``lines[0].units: ...``), no input values;
    a problem with no field (the record as a whole) is put under ``whole``.

    :param exc: pydantic's validation error.
    :param whole: the name for the record as a whole (``claim``, ``settings``).
    :returns: the problems, ``; `` between them.
    """
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = ""
        for piece in err["loc"]:
            if isinstance(piece, str) and not _FIELD_NAME.match(piece):
                # an unknown key is input too: it may hold a newline or pasted text
                piece = f"[{shown(piece)}]"
                loc += piece
                continue
            loc += f"[{piece}]" if isinstance(piece, int) else (f".{piece}" if loc else str(piece))
        parts.append(f"{loc or whole}: {err['msg']}")
    return "; ".join(parts)


def normalize_specialty(raw: str) -> str:
    """``Physical Therapy``, ``physical_therapy`` and ``physical-therapy`` are one specialty.

    :param raw: a specialty as a claim or plugin spells it.
    """
    return "-".join(raw.replace("_", " ").lower().split())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Patient(_Strict):
    """Only what coding rules need: age and sex edits (never a name or identifier)."""

    age: Annotated[int, Field(ge=0, le=130)] | None = None
    """Age in whole years on the date of service (0-130), for age edits."""
    sex: Literal["F", "M", "U"] | None = None
    """``F``, ``M`` or ``U`` (unknown), for sex edits."""


class Documentation(_Strict):
    """What the encounter note shows, as structured elements.

    Every element is optional: an absent element means "not documented", which is
    itself something the documentation checks report on.
    """

    site: str | None = None
    """The anatomic site the note names (``lumbar``, ``cervical``, ``shoulder``)."""
    laterality: Literal["left", "right", "bilateral"] | None = None
    """The side the note documents."""
    onset: Literal["acute", "chronic", "acute-on-chronic"] | None = None
    """Whether the note calls the condition acute, chronic or acute-on-chronic."""
    trauma: bool | None = Field(
        default=None, description="true, false, or null when unknown / not documented"
    )
    mechanism: str | None = None
    """How the injury or condition came about, in the note's words."""
    objective_findings: tuple[str, ...] = Field(default_factory=tuple)
    """Objective findings the note records (palpable spasm, measured range of motion)."""
    treatment_rationale: str | None = None
    """Why the services were needed, as the note states it."""
    spinal_regions: tuple[Literal["cervical", "thoracic", "lumbar", "sacral", "pelvic"], ...] = (
        Field(default_factory=tuple)
    )
    """Spinal regions treated (chiropractic manipulation is billed by region count)."""
    note: str | None = Field(default=None, repr=False)
    """The note's free text; never quoted in a finding or a log."""


class PriorService(_Strict):
    """A service already furnished to this patient, for frequency limits."""

    procedure: str
    """The CPT/HCPCS code furnished."""
    date_of_service: date
    """When it was furnished."""
    units: Annotated[int, Field(ge=1)] = 1
    """Units furnished (1 or more)."""

    @field_validator("procedure")
    @classmethod
    def _procedure(cls, value: str) -> str:
        return _checked_procedure(value)


class ServiceLine(_Strict):
    """One line of the CMS-1500: a procedure, its modifiers, units and diagnosis pointers."""

    procedure: str
    """The line's CPT/HCPCS code (five letters or digits; case and spaces normalised)."""
    modifiers: tuple[str, ...] = Field(default_factory=tuple)
    """Its modifiers, two letters or digits each (``GP``, ``59``)."""
    units: Annotated[int, Field(ge=0, le=9999)] = 1
    """Units billed (0-9999)."""
    minutes: Annotated[int, Field(ge=0, le=1440)] | None = None
    """Minutes of a timed service, for the units-from-minutes rules."""
    diagnosis_pointers: Annotated[
        tuple[Annotated[int, Field(ge=1, le=MAX_DIAGNOSES)], ...], Field(max_length=MAX_POINTERS)
    ] = Field(default_factory=tuple)
    """1-based positions in the claim's ``diagnoses`` this line is for (at most four)."""
    charge: Annotated[Decimal, Field(ge=0)] | None = None
    """The line's charge in US dollars."""
    furnished_by: Literal["provider", "assistant"] | None = Field(
        default=None,
        description="Who furnished the service: the licensed provider, or (in whole or "
        "part) an assistant such as a PTA. Used by assistant-modifier rules.",
    )
    assistant_minutes: Annotated[int, Field(ge=0, le=1440)] | None = Field(
        default=None, description="Minutes of this line furnished by an assistant."
    )

    @field_validator("procedure")
    @classmethod
    def _procedure(cls, value: str) -> str:
        return _checked_procedure(value)

    @field_validator("diagnosis_pointers", mode="before")
    @classmethod
    def _pointer_count(cls, value: Any) -> Any:
        # before the length constraint, so the message says where the limit comes from
        if isinstance(value, list | tuple) and len(value) > MAX_POINTERS:
            raise ValueError(
                f"{len(value)} diagnosis pointers; a service line points at most at "
                f"{MAX_POINTERS} diagnoses (CMS-1500 item 24E, X12 837P SV107)"
            )
        return value

    @field_validator("modifiers")
    @classmethod
    def _modifiers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if all(CANONICAL_MODIFIER.fullmatch(raw) for raw in value):
            return value  # the usual case: none, or already upper-case pairs
        out = []
        for raw in value:
            mod = normalize_procedure(raw)
            if not MODIFIER_SHAPE.match(mod):
                raise ValueError(f"modifier {shown(raw)} is not two letters or digits")
            out.append(mod)
        return tuple(out)


def _checked_procedure(value: str) -> str:
    if CANONICAL_PROCEDURE.fullmatch(value):
        return value
    code = normalize_procedure(value)
    if not PROCEDURE_SHAPE.match(code):
        raise ValueError(f"procedure {shown(value)} is not a 5-character CPT/HCPCS code")
    return code


class ReadOnlyExtensions(ReadOnlyDict):
    """A claim's ``extensions`` as rules see them: a ``dict`` that refuses changes."""

    __slots__ = ()
    refusal = "a claim's extensions are read-only: every rule of the claim reads them"


#: the extensions of a claim that sends none (one shared object: it cannot be changed).
_NO_EXTENSIONS = ReadOnlyExtensions()


def _no_extensions() -> ReadOnlyExtensions:
    return _NO_EXTENSIONS


def freeze_extensions(value: dict[str, Any]) -> ReadOnlyExtensions:
    """Vendor data as read-only values at every depth: objects as `ReadOnlyExtensions`,
    arrays as tuples (JSON arrays again when written out).

    A rule could otherwise change the claim for the rules after it, or, through lists it
    shares with the caller's mapping, the caller's data and the next check of it.  Done
    once at validation, and without recursion, so nesting of any depth is read (the
    kernel has no limit on it); the cost is one copy of what the vendor sent, usually
    nothing (no extensions: the shared empty one).

    :param value: the claim's ``extensions`` as given (JSON values).
    """
    if not value:
        return _NO_EXTENSIONS
    done: list[Any] = []  # frozen values, in the order their containers list them
    todo: list[tuple[Any, bool]] = [(value, False)]
    while todo:
        node, children_done = todo.pop()
        if isinstance(node, dict):
            if children_done:
                count = len(node)
                values = done[len(done) - count :] if count else []
                del done[len(done) - count :]
                done.append(ReadOnlyExtensions(zip(node, values, strict=True)))
            else:
                todo.append((node, True))
                todo.extend((child, False) for child in reversed(node.values()))
        elif isinstance(node, list | tuple):
            if children_done:
                count = len(node)
                values = done[len(done) - count :] if count else []
                del done[len(done) - count :]
                done.append(tuple(values))
            else:
                todo.append((node, True))
                todo.extend((child, False) for child in reversed(node))
        elif isinstance(node, set | frozenset):
            done.append(frozenset(node))
        else:  # text, numbers, booleans, None (what JSON holds) are immutable already
            done.append(node)
    frozen = done[0]
    assert isinstance(frozen, ReadOnlyExtensions)
    return frozen


class Claim(_Strict):
    """An outpatient professional claim, as DESIGN.md defines it."""

    # (Not in the docstring, which is the JSON Schema's description.)  Its lists --
    # diagnoses, lines, a line's modifiers and pointers, the documentation's lists, the
    # service history -- are validated into tuples: every rule reads the same claim, so
    # none may change what the next one sees.  They are JSON arrays as before.

    claim_id: str | None = None
    """The vendor's id of the claim, echoed in its report."""
    date_of_service: date
    """Selects the ICD-10-CM dataset (fiscal year) and the rules in effect."""
    payer: str | None = Field(
        default=None, description="Lower-case payer id; unknown payers get 'commercial'."
    )
    place_of_service: str | None = None
    """The CMS place-of-service code (``11`` office)."""
    specialty: str | None = None
    """The billing specialty (``physical-therapy``); spelling and case normalised."""
    patient: Patient | None = None
    """Age and sex, for age and sex edits."""
    diagnoses: Annotated[tuple[str, ...], Field(min_length=1, max_length=MAX_DIAGNOSES)]
    """ICD-10-CM codes, first listed first (1-12; dots, case and spaces normalised)."""
    lines: tuple[ServiceLine, ...] = Field(default_factory=tuple)
    """The service lines (at most 50)."""
    documentation: Documentation | None = None
    """What the encounter note documents, as structured elements."""
    therapy_year_to_date: Annotated[Decimal, Field(ge=0)] | None = Field(
        default=None,
        description="Allowed amount of PT and SLP services already accrued this calendar "
        "year before this claim, in US dollars (for the KX threshold).",
    )
    service_history: tuple[PriorService, ...] = Field(
        default_factory=tuple,
        description="Earlier services for this patient, for frequency limits.",
    )
    # Frozen at validation (`freeze_extensions`): read-only at every depth for the rules.
    extensions: dict[str, Any] = Field(
        default_factory=_no_extensions, description="Vendor data carried through untouched."
    )

    @field_validator("payer")
    @classmethod
    def _payer(cls, value: str | None) -> str | None:
        return value.strip().lower() if value else None

    @field_validator("extensions")
    @classmethod
    def _extensions(cls, value: dict[str, Any]) -> dict[str, Any]:
        return freeze_extensions(value)

    @field_validator("diagnoses", mode="before")
    @classmethod
    def _diagnosis_count(cls, value: Any) -> Any:
        # before the length constraint, so the message says where the limit comes from
        if isinstance(value, list | tuple) and len(value) > MAX_DIAGNOSES:
            raise ValueError(
                f"{len(value)} diagnoses; a professional claim carries at most "
                f"{MAX_DIAGNOSES} (CMS-1500 item 21 A-L, X12 837P HI segment)"
            )
        return value

    @field_validator("diagnoses")
    @classmethod
    def _diagnoses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if all(CANONICAL_DIAGNOSIS.fullmatch(raw) for raw in value):
            return value
        out = []
        for number, raw in enumerate(value, start=1):
            code = normalize_diagnosis(raw)
            if not DIAGNOSIS_SHAPE.match(code):
                raise ValueError(
                    f"diagnosis {number}, {shown(raw)}, is not shaped like an ICD-10-CM code"
                )
            out.append(code)
        return tuple(out)

    @field_validator("lines")
    @classmethod
    def _lines(cls, value: tuple[ServiceLine, ...]) -> tuple[ServiceLine, ...]:
        if len(value) > MAX_LINES:
            raise ValueError(
                f"{len(value)} service lines; a claim has at most {MAX_LINES} (X12 837P)"
            )
        return value


def _absent(value: object) -> bool:
    """An optional member that is not set is left out of the JSON, not written as null:
    reports of claims given as cleanclaim JSON keep their shape byte for byte."""
    return value is None


def _empty(value: object) -> bool:
    return not value


class Finding(BaseModel):
    """One problem, explained well enough that a coder can act without looking it up."""

    model_config = ConfigDict(frozen=True)

    rule: str
    """The rule's id (``ICD102``)."""
    severity: Severity
    """``error`` (the payer will deny), ``warning`` (likely denial or audit risk) or
    ``info`` (advice)."""
    message: str
    """What is wrong and what to do, in words a coder can act on."""
    source: str
    """The plugin that found it (``core`` for the kernel's own rules)."""
    location: str
    """The part of the claim it is about (``diagnoses[0]``, ``lines[1].modifiers``)."""
    codes: list[str] = Field(default_factory=list)
    """The codes involved."""
    suggestions: list[str] = Field(default_factory=list)
    """Codes or modifiers that would fix it, when there are some."""
    reference: str = ""
    """The public source behind the rule (guideline section, CMS manual, NCCI policy)."""
    input_location: str | None = Field(
        default=None,
        exclude_if=_absent,
        description="Where the finding points in the input file, for a claim read from a "
        "format with positions (``2400 SV1-01, segment 31``, ``Claim.item[1].modifier[0]``, "
        "``row 7, column modifiers``); absent for a claim given as cleanclaim JSON.",
    )


class DatasetUsed(BaseModel):
    """Which code set the claim was judged against, so a report can be audited later.

    ``provisional`` is the reason a dataset is not a full CMS release (None for a full one):
    a report judged against it may miss notes new that year.  ``verified`` is false for a
    file added with ``--allow-unverified``.  ``origin`` is ``packaged`` or ``installed``.
    """

    model_config = ConfigDict(frozen=True)

    system: str
    """The code system (``ICD-10-CM``)."""
    fiscal_year: int
    """The fiscal year the dataset serves."""
    release: str
    """The CMS release it was built from."""
    release_date: date
    """When that release was published."""
    name: str = ""
    """The dataset's name (``icd10cm-2026``)."""
    origin: str = "packaged"
    """``packaged`` (shipped with cleanclaim-refdata) or ``installed`` (``datasets add``)."""
    provisional: str | None = None
    """Why the dataset is not a full CMS release (None for a full one)."""
    verified: bool = True
    """False for a file added with ``--allow-unverified``."""


#: The version of the report's JSON shape (docs/reference/schemas/report.json): the minor
#: number grows when fields are added, the major one when a field changes or goes, so a
#: consumer can refuse a report it was not written for.
REPORT_SCHEMA_VERSION = "1.2"


class PayerUsed(BaseModel):
    """Which payer profile's overrides the claim was judged under, and why that one.

    ``payer`` is the claim's own payer (None when it names none), ``profile`` the profile
    applied (``medicare``, ``commercial``, or a payer an override file defines), and
    ``note`` says in words how it was chosen: ``"the claim's payer"``, ``"no payer
    given: commercial defaults"`` or ``"payer 'acme' has no profile of its own:
    commercial defaults"``.  A Medicare rule that did not fire on a claim whose payer
    was misspelt is explained by this record.
    """

    model_config = ConfigDict(frozen=True)

    payer: str | None
    """The claim's own payer (None when it names none)."""
    profile: str
    """The profile applied: ``medicare``, ``commercial``, or one an override file defines."""
    note: str
    """How the profile was chosen, in words."""


class InputRef(BaseModel):
    """Where in its input a claim was read from, so a result can be traced back to the
    record that produced it: a batch line, a CSV row and its own id columns, an X12
    segment and the interchange's control numbers, a FHIR Bundle entry.

    Only the members that apply are written: ``{"format": "jsonl", "line": 12}``.
    """

    model_config = ConfigDict(frozen=True)

    format: str = Field(description="``json``, ``jsonl``, ``csv``, ``x12-837p``, ``fhir``, ...")
    file: str | None = Field(default=None, exclude_if=_absent, description="The file as given.")
    line: int | None = Field(
        default=None, exclude_if=_absent, description="The 1-based line the record starts on."
    )
    segment: int | None = Field(
        default=None,
        exclude_if=_absent,
        description="X12: the 1-based position of the claim's CLM segment (ISA is 1).",
    )
    entry: int | None = Field(
        default=None, exclude_if=_absent, description="FHIR Bundle: the 1-based entry."
    )
    ids: dict[str, str] = Field(
        default_factory=dict,
        exclude_if=_empty,
        description="The record's own keys: CSV id columns, X12 control numbers, a FHIR id.",
    )


class Report(BaseModel):
    """The verdict on one claim: its findings in a stable order and the worst severity,
    the dataset and payer profile it was judged against, and the versions that made it."""

    model_config = ConfigDict(frozen=True)

    claim_id: str | None
    """The claim's ``claim_id``, echoed."""
    status: Status
    """The worst severity found: ``error``, ``warning``, or ``clean`` (info alone)."""
    dataset: DatasetUsed
    """The ICD-10-CM dataset the claim was judged against."""
    findings: list[Finding] = Field(default_factory=list)
    """The findings, in a stable order."""
    payer: PayerUsed | None = Field(
        default=None, description="The payer profile applied (None only in old reports)."
    )
    cleanclaim_version: str = Field(default="", description="The cleanclaim that checked it.")
    schema_version: str = Field(
        default=REPORT_SCHEMA_VERSION, description="The version of this report's JSON shape."
    )
    input: InputRef | None = Field(
        default=None,
        exclude_if=_absent,
        description="Where the claim was read from (batch results and non-JSON inputs); "
        "absent for a single claim given as JSON.",
    )


class InvalidRecord(BaseModel):
    """A claim that could not be checked: not valid JSON, not a claim, or a claim no
    dataset serves.  A batch writes one per such record, and
    ``cleanclaim.engine.Engine.check_many()`` yields one in the
    claim's place.
    ``errors`` name the field and never echo claim content."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int = Field(
        ge=1, description="The record's line (JSONL) or row (CSV), or its 1-based position."
    )
    status: Literal["invalid"]
    """Always ``invalid``: what tells this record from a report."""
    errors: list[str] = Field(min_length=1, description="What is wrong, one problem each.")
    input: InputRef | None = Field(
        default=None,
        exclude_if=_absent,
        description="Where the record was read from, when that says more than its line "
        "(a CSV row's id columns, an X12 segment, a FHIR entry); absent for a JSONL line.",
    )


def status_of(findings: list[Finding]) -> Status:
    """The report status is the worst severity found; info alone keeps a claim clean.

    :param findings: the report's findings.
    """
    worst = max((SEVERITY_RANK[f.severity] for f in findings), default=0)
    return "error" if worst == 2 else "warning" if worst == 1 else "clean"


_M = TypeVar("_M", bound=BaseModel)


def trusted(cls: type[_M], **values: Any) -> _M:
    """Build a model from values the engine already trusts, giving every field.

    The same object ``cls.model_construct(**values)`` builds (no validation), at a quarter
    of its cost: findings and reports are built claim after claim on the hot path.  The
    values must be complete and of the right types; tests compare both constructions.

    :param cls: the model class.
    :param values: every field of the model, by name.
    """
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model
