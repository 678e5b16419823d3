"""What plugins contribute to an engine, as validated data (the plugin API's data half).

Every hook returns a list of these models.  They are validated once, when the engine is
built, so a plugin that returns a malformed contribution is reported by name at build
time instead of failing on some claim at 3 a.m.  Every contribution that encodes a
policy carries its ``citation`` (the manual section, LCD, edit file or guideline it rests
on) and the dates it holds for: a rule that changed on 2025-01-01 must say so.

``citation`` was called ``source`` in plugin API 1, a word a finding uses for the plugin
that reported it; a record (or a data or override file) that still writes ``source`` is
read as its citation, and `noting_old_names` tells the build which models were given the
old name, so that ``cleanclaim plugins`` can say so.

Plugins import these from `cleanclaim.contributions`, the plugin API's one address
(contributions and the rule contract); the kernel's lower floors (the tables, the
claim's context, the NCCI and payer files) import them from here, below the rule
contract, so that no import runs in a circle.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    field_validator,
    model_validator,
)

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


#: the models given API 1's ``source`` for their citation while `noting_old_names` runs.
_OLD_NAMES: ContextVar[set[str] | None] = ContextVar("cleanclaim_old_names", default=None)


@contextmanager
def noting_old_names() -> Iterator[set[str]]:
    """Collect, while the body runs, the names of the models that were given ``source``
    (API 1's name) for their ``citation``: the build runs each plugin's hooks inside one,
    so that the plugin can be told to rename it."""
    seen: set[str] = set()
    token = _OLD_NAMES.set(seen)
    try:
        yield seen
    finally:
        _OLD_NAMES.reset(token)


class _Cited(_Contribution):
    """A contribution that cites the public document it rests on, in ``citation``.

    A record that writes ``source`` (plugin API 1's name, and the older spelling of
    payer override files) is read as if it wrote ``citation``; writing both is refused.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _old_name(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        if isinstance(data, dict) and "source" in data and "citation" not in data:
            data = {("citation" if key == "source" else key): v for key, v in data.items()}
            seen = _OLD_NAMES.get()
            if seen is not None:
                seen.add(cls.__name__)
        return handler(data)

    @property
    def source(self) -> str:
        """API 1's name of ``citation`` (deprecated: read ``citation``)."""
        citation: str = getattr(self, "citation")  # noqa: B009 (every subclass declares it)
        return citation


class Dated(_Contribution):
    """A contribution that holds for dates of service in [effective_from, effective_to]."""

    effective_from: date | None = Field(
        default=None, description="First date of service it holds for (inclusive)."
    )
    effective_to: date | None = Field(
        default=None, description="Last date of service it holds for (inclusive)."
    )

    def holds_on(self, day: date) -> bool:
        """True when the date of service falls inside the effective window.

        :param day: the claim's date of service.
        """
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


class Procedure(_Cited):
    """A CPT or HCPCS code a plugin knows, with a plain label of our own.

    Labels are ours, never the AMA's descriptors.  ``tags`` describe what kind of
    service it is (``timed``, ``untimed``, ``evaluation``, ``always-therapy``,
    ``add-on``, ``em``, ``cmt``, ``minor-procedure``...) so that rules can be written
    over kinds of service instead of lists of numbers.
    """

    code: ProcedureCode
    """The CPT or HCPCS code (normalised: ``g0283`` is ``G0283``)."""
    label: str = Field(max_length=80)
    """A short plain label of the plugin's own (80 characters at most)."""
    system: Literal["CPT", "HCPCS"] = "CPT"
    """``CPT`` or ``HCPCS``."""
    tags: frozenset[str] = frozenset()
    """The kinds of service it is, which rules select by."""
    primary_codes: tuple[str, ...] = Field(
        default=(), description="For an add-on code: the primary codes it may accompany."
    )
    """For an add-on code, the primary codes it may accompany."""
    unit_minutes: int | None = Field(
        default=None, ge=1, description="For a timed code: the minutes one unit stands for."
    )
    """For a timed code, the minutes one unit stands for."""
    specialty: str | None = Field(
        default=None,
        description="The one specialty that bills this code (98940: chiropractic); a claim "
        "that gives no specialty and bills it is taken to be of that specialty.",
    )
    """The one specialty that bills it, if there is one."""
    citation: str = Field(
        default="", description="The public document behind its tags or dates, if any."
    )
    """The public document behind its tags, if any (API 1: ``source``)."""

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

        :param day: the claim's date of service.
        :param payer: the claim's payer id (lower case).
        :param profile: the payer profile the claim runs on (``medicare``, ``commercial``).
        """
        payers = self.payers
        return self.holds_on(day) and (not payers or payer in payers or profile in payers)


class Pairing(PayerScoped, _Cited):
    """Diagnoses that support (make medically necessary) a set of procedures.

    A procedure with at least one pairing in force must point at a diagnosis covered by
    one of them (rule CLM202).  A procedure without any pairing is not judged.

    ``basis`` says what stands behind the list.  ``policy``: an LCD, NCD, billing article
    or payer policy lists these diagnoses (its id in ``citation``); a line that none of the
    pairings in force supports is an error citing it.  ``advice``: no published policy
    pairs them (Medicare, for one, has no national diagnosis list for therapy codes); the
    list is the plugin's judgement of what ordinarily justifies the service, and a miss is
    only an ``info`` that says so.  A pairing no public source stands behind never makes an
    error.
    """

    procedures: tuple[ProcedureCode, ...]
    """The CPT/HCPCS codes the pairing judges."""
    diagnoses: tuple[str, ...]
    """The ICD-10-CM codes, ranges (``M00-M99``) or stems (``Z47-``) that support them."""
    citation: str
    """The public document it rests on (the LCD, article, CMS manual chapter and section, edit
    file and line, or guideline); API 1 called it ``source``, which is still read.
    """
    basis: Literal["policy", "advice"] = "policy"
    """``policy`` (a published list: a miss is an error) or ``advice`` (the plugin's judgement:
    a miss is an info).
    """
    note: str = ""
    """A remark shown with a finding (what the list leaves out, and why)."""

    @field_validator("diagnoses")
    @classmethod
    def _diagnoses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            DiagnosisPattern.parse(text)
        return value

    def patterns(self) -> list[DiagnosisPattern]:
        return [DiagnosisPattern.parse(text) for text in self.diagnoses]


class ProcedureEdit(Dated, _Cited):
    """A procedure-to-procedure edit in the layout of the CMS NCCI PTP files.

    ``modifier_indicator`` is CMS's: 0 no modifier bypasses the edit, 1 an NCCI-associated
    modifier (59, XE, XS, XP, XU, anatomic modifiers, 25 for E/M) may bypass it, 9 the
    edit does not apply.
    """

    column1: ProcedureCode
    """The column-1 (comprehensive) code."""
    column2: ProcedureCode
    """The column-2 code, bundled into column 1."""
    modifier_indicator: Literal[0, 1, 9]
    """CMS's 0, 1 or 9, as above."""
    citation: str
    """The public document it rests on (the LCD, article, CMS manual chapter and section, edit
    file and line, or guideline); API 1 called it ``source``, which is still read.
    """
    rationale: str = ""
    """CMS's PTP edit rationale, in words."""


class UnitLimit(PayerScoped, _Cited):
    """A medically unlikely edit: the most units of a code on one date of service.

    ``adjudication`` is CMS's MAI: 1 line edit (more units on a separate line with a
    modifier may pass), 2 absolute date-of-service edit (policy; never more), 3 date of
    service edit based on clinical benchmarks (more only with documentation on appeal).
    """

    code: ProcedureCode
    """The CPT/HCPCS code limited."""
    max_units: int = Field(ge=0)
    """The most units on one date of service."""
    adjudication: Literal[1, 2, 3] = 3
    """CMS's MAI, 1, 2 or 3, as above."""
    citation: str
    """The public document it rests on (the LCD, article, CMS manual chapter and section, edit
    file and line, or guideline); API 1 called it ``source``, which is still read.
    """


class DocumentationCheck(PayerScoped, _Cited):
    """An element the note must show when the claim carries certain diagnoses.

    The finding is reported under ``rule`` (a rule the same plugin contributes) and
    says what to document or what to query the provider about.
    """

    rule: str
    """The id of the rule that reports it (one of the same plugin's)."""
    diagnoses: tuple[str, ...]
    """The ICD-10-CM codes or patterns that call for the element."""
    element: DocumentationElement
    """The documentation element the note must show (``laterality``...)."""
    message: str
    """What is missing, as the finding says it."""
    query: str = Field(description="What to document, or the question to ask the provider.")
    """What to document, or the question to ask the provider."""
    procedures_tags: frozenset[str] = Field(
        default=frozenset(),
        description="Only when a line carries a procedure with one of these tags (empty: always).",
    )
    """Only when a line carries a procedure with one of these tags."""
    citation: str
    """The public document it rests on (the LCD, article, CMS manual chapter and section, edit
    file and line, or guideline); API 1 called it ``source``, which is still read.
    """

    def patterns(self) -> list[DiagnosisPattern]:
        return [DiagnosisPattern.parse(text) for text in self.diagnoses]


class IntegralPair(_Cited):
    """A sign or symptom that is integral to a definitive diagnosis (guideline I.B.5)."""

    symptom: str
    """The sign or symptom code or pattern (``R10.-``)."""
    definitive: str
    """The definitive diagnosis code or pattern it is integral to."""
    citation: str
    """The public document it rests on (the LCD, article, CMS manual chapter and section, edit
    file and line, or guideline); API 1 called it ``source``, which is still read.
    """
    note: str = ""
    """A remark shown with a finding."""

    @field_validator("symptom", "definitive")
    @classmethod
    def _pattern(cls, value: str) -> str:
        DiagnosisPattern.parse(value)
        return value


class PayerOverride(Dated, _Cited):
    """How one payer treats one rule (or a glob of rules) on some dates.

    It can switch a rule off (``enabled = false``), on, change its severity, or change
    its options (a requirement such as a different subluxation range).  ``payer`` is a
    lower-case payer id; ``medicare`` and ``commercial`` are built in, and claims for a
    payer with no overrides of its own get the ``commercial`` ones.
    """

    payer: str
    """The payer id or profile it holds for (lower-cased)."""
    rule: str
    """A rule id, a glob of ids (``PT1*``), a group or a plugin's name."""
    enabled: bool | None = None
    """Switch the rule on (true) or off (false); none leaves it as it is."""
    severity: Severity | None = None
    """The severity its findings get instead; none leaves it."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Option values that replace the rule's for this payer."""
    citation: str
    """The public document the override rests on (the payer's manual, a CMS transmittal);
    required.  Override files and API 1 called it ``source``, which is still read.
    """
    reason: str = ""
    """Why, in words, for the rule catalog."""

    @field_validator("payer")
    @classmethod
    def _payer(cls, value: str) -> str:
        return value.strip().lower()

    def matches(self, rule_id: str, groups: Iterable[str] = ()) -> bool:
        """True when the selector names this rule by id, glob or group.

        :param rule_id: the rule's id.
        :param groups: the rule's groups.
        """
        return fnmatch.fnmatchcase(rule_id, self.rule) or self.rule in groups


class Synonym(_Contribution):
    """Words coders type that the tabular list spells differently ("spasm" -> "cramp")."""

    term: str
    """The word a coder types."""
    means: tuple[str, ...]
    """The words of the tabular list it stands for."""
