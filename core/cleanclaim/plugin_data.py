"""What plugins contribute to an engine, as validated data (the plugin API's data half).

Every hook returns a list of these models.  They are validated once, when the engine is
built, so a plugin that returns a malformed contribution is reported by name at build
time instead of failing on some claim at 3 a.m.  Every contribution that encodes a
policy carries its ``source`` (the manual section, LCD, edit file or guideline it rests
on) and the dates it holds for: a rule that changed on 2025-01-01 must say so.

Plugins import these from `cleanclaim.contributions`, the plugin API's one address
(contributions and the rule contract); the kernel's lower floors (the tables, the
claim's context, the NCCI and payer files) import them from here, below the rule
contract, so that no import runs in a circle.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from cleanclaim.codes import DiagnosisPattern, normalize_procedure
from cleanclaim.models import Severity, normalize_specialty

DocumentationElement = Literal[
    "site",
    "laterality",
    "onset",
    "trauma",
    "mechanism",
    "objective_findings",
    "treatment_rationale",
    "spinal_regions",
]


#: a CPT/HCPCS code in a contribution, normalised as a claim's are (``g0283`` is ``G0283``),
#: so that plugin data and claims always compare equal.
ProcedureCode = Annotated[str, AfterValidator(normalize_procedure)]


class _Contribution(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dated(_Contribution):
    """A contribution that holds for dates of service in [effective_from, effective_to]."""

    effective_from: date | None = None
    effective_to: date | None = Field(
        default=None, description="Last date of service it holds for (inclusive)."
    )

    def holds_on(self, day: date) -> bool:
        """True when the date of service falls inside the effective window."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return not (self.effective_to is not None and day > self.effective_to)

    def window(self) -> str:
        """The window in words, for docs and messages ("from 2025-01-01")."""
        start, end = self.effective_from, self.effective_to
        if start and end:
            return f"{start.isoformat()} to {end.isoformat()}"
        if start:
            return f"from {start.isoformat()}"
        if end:
            return f"through {end.isoformat()}"
        return "all dates"


class Procedure(_Contribution):
    """A CPT or HCPCS code a plugin knows, with a plain label of our own.

    Labels are ours, never the AMA's descriptors.  ``tags`` describe what kind of
    service it is (``timed``, ``untimed``, ``evaluation``, ``always-therapy``,
    ``add-on``, ``em``, ``cmt``, ``minor-procedure``...) so that rules can be written
    over kinds of service instead of lists of numbers.
    """

    code: ProcedureCode
    label: str = Field(max_length=80)
    system: Literal["CPT", "HCPCS"] = "CPT"
    tags: frozenset[str] = frozenset()
    primary_codes: tuple[str, ...] = Field(
        default=(), description="For an add-on code: the primary codes it may accompany."
    )
    unit_minutes: int | None = Field(
        default=None, ge=1, description="For a timed code: the minutes one unit stands for."
    )
    specialty: str | None = Field(
        default=None,
        description="The one specialty that bills this code (98940: chiropractic); a claim "
        "that gives no specialty and bills it is taken to be of that specialty.",
    )
    source: str = ""

    @field_validator("specialty")
    @classmethod
    def _specialty(cls, value: str | None) -> str | None:
        return normalize_specialty(value) if value else None


class PayerScoped(Dated):
    """A dated contribution that may hold for some payers only."""

    payers: tuple[str, ...] = Field(
        default=(), description="Payer profiles or ids it holds for; empty: every payer."
    )

    def applies(self, day: date, payer: str, profile: str) -> bool:
        """In force on ``day`` for the claim's payer or for the profile it runs on.

        The profile alone is not enough: a payer that no override names runs on the
        ``commercial`` profile, and an entry written for that very payer must still apply.
        """
        payers = self.payers
        return self.holds_on(day) and (not payers or payer in payers or profile in payers)


class Pairing(PayerScoped):
    """Diagnoses that support (make medically necessary) a set of procedures.

    A procedure with at least one pairing in force must point at a diagnosis covered by
    one of them (rule CLM202).  A procedure without any pairing is not judged.

    ``basis`` says what stands behind the list.  ``policy``: an LCD, NCD, billing article
    or payer policy lists these diagnoses (its id in ``source``); a line that none of the
    pairings in force supports is an error citing it.  ``advice``: no published policy
    pairs them (Medicare, for one, has no national diagnosis list for therapy codes); the
    list is the plugin's judgement of what ordinarily justifies the service, and a miss is
    only an ``info`` that says so.  A pairing no public source stands behind never makes an
    error.
    """

    procedures: tuple[ProcedureCode, ...]
    diagnoses: tuple[str, ...]
    source: str
    basis: Literal["policy", "advice"] = "policy"
    note: str = ""

    @field_validator("diagnoses")
    @classmethod
    def _diagnoses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            DiagnosisPattern.parse(text)
        return value

    def patterns(self) -> list[DiagnosisPattern]:
        return [DiagnosisPattern.parse(text) for text in self.diagnoses]


class ProcedureEdit(Dated):
    """A procedure-to-procedure edit in the layout of the CMS NCCI PTP files.

    ``modifier_indicator`` is CMS's: 0 no modifier bypasses the edit, 1 an NCCI-associated
    modifier (59, XE, XS, XP, XU, anatomic modifiers, 25 for E/M) may bypass it, 9 the
    edit does not apply.
    """

    column1: ProcedureCode
    column2: ProcedureCode
    modifier_indicator: Literal[0, 1, 9]
    source: str
    rationale: str = ""


class UnitLimit(PayerScoped):
    """A medically unlikely edit: the most units of a code on one date of service.

    ``adjudication`` is CMS's MAI: 1 line edit (more units on a separate line with a
    modifier may pass), 2 absolute date-of-service edit (policy; never more), 3 date of
    service edit based on clinical benchmarks (more only with documentation on appeal).
    """

    code: ProcedureCode
    max_units: int = Field(ge=0)
    adjudication: Literal[1, 2, 3] = 3
    source: str


class DocumentationCheck(PayerScoped):
    """An element the note must show when the claim carries certain diagnoses.

    The finding is reported under ``rule`` (a rule the same plugin contributes) and
    says what to document or what to query the provider about.
    """

    rule: str
    diagnoses: tuple[str, ...]
    element: DocumentationElement
    message: str
    query: str = Field(description="What to document, or the question to ask the provider.")
    procedures_tags: frozenset[str] = Field(
        default=frozenset(),
        description="Only when a line carries a procedure with one of these tags (empty: always).",
    )
    source: str

    def patterns(self) -> list[DiagnosisPattern]:
        return [DiagnosisPattern.parse(text) for text in self.diagnoses]


class IntegralPair(_Contribution):
    """A sign or symptom that is integral to a definitive diagnosis (guideline I.B.5)."""

    symptom: str
    definitive: str
    source: str
    note: str = ""

    @field_validator("symptom", "definitive")
    @classmethod
    def _pattern(cls, value: str) -> str:
        DiagnosisPattern.parse(value)
        return value


class PayerOverride(Dated):
    """How one payer treats one rule (or a glob of rules) on some dates.

    It can switch a rule off (``enabled = false``), on, change its severity, or change
    its options (a requirement such as a different subluxation range).  ``payer`` is a
    lower-case payer id; ``medicare`` and ``commercial`` are built in, and claims for a
    payer with no overrides of its own get the ``commercial`` ones.
    """

    payer: str
    rule: str
    enabled: bool | None = None
    severity: Severity | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    source: str
    reason: str = ""

    @field_validator("payer")
    @classmethod
    def _payer(cls, value: str) -> str:
        return value.strip().lower()

    def matches(self, rule_id: str, groups: Iterable[str] = ()) -> bool:
        """True when the selector names this rule by id, glob or group."""
        return fnmatch.fnmatchcase(rule_id, self.rule) or self.rule in groups


class Synonym(_Contribution):
    """Words coders type that the tabular list spells differently ("spasm" -> "cramp")."""

    term: str
    means: tuple[str, ...]
