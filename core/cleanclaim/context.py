"""The per-claim view that every rule's check function reads.

It is built once per claim and caches the derived facts several rules need (which
diagnoses each line points at, the modifiers of each line), so that twelve rules do
not recompute them twelve times.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cleanclaim.codes import DiagnosisPattern
from cleanclaim.memo import Memo, remember
from cleanclaim.models import Claim, Documentation, ServiceLine, normalize_specialty

if TYPE_CHECKING:
    from cleanclaim.icd import Dataset, DatasetRegistry
    from cleanclaim.plugin_data import Procedure, ProcedureEdit
    from cleanclaim.tables import EngineTables

#: pattern text -> parsed pattern, shared by all claims (patterns are immutable).
_PATTERNS = Memo("diagnosis patterns parsed, by their text")
#: a claim's specialty as written -> normalised: a batch spells a handful of them.
_SPECIALTIES = Memo("claim specialties normalised, by their spelling")
#: the documentation of a claim that sends none: one shared frozen object (its fields
#: are text, booleans and tuples, so no rule can change it for the next claim).
_NO_DOCUMENTATION = Documentation()

if TYPE_CHECKING:
    _lazy = cached_property
else:

    class _lazy:
        """``functools.cached_property`` without its per-access lock (Python 3.11).

        A context belongs to one claim checked on one thread, so the lock only costs
        time; after the first access the value sits in the instance ``__dict__`` and is
        read as a plain attribute.
        """

        def __init__(self, func):
            self.func = func
            self.name = func.__name__
            self.__doc__ = func.__doc__

        def __get__(self, obj, owner=None):
            if obj is None:
                return self
            value = obj.__dict__[self.name] = self.func(obj)
            return value


class ClaimContext:
    """A validated claim with its dataset, payer profile and the engine's tables.

    ``payer`` is the claim's payer id (``commercial`` when absent); ``profile`` is the
    payer whose overrides apply (the payer itself when any plugin or override file knows
    it, otherwise ``commercial``).  Rules ask ``ctx.is_medicare`` rather than comparing
    strings so that Medicare Advantage style ids can be mapped in one place later.
    """

    def __init__(
        self,
        claim: Claim,
        dataset: Dataset,
        tables: EngineTables,
        payer: str,
        profile: str,
        registry: DatasetRegistry | None = None,
    ) -> None:
        # Set through the instance dict: the context refuses attribute writes (below).
        self.__dict__.update(
            claim=claim,
            dataset=dataset,
            tables=tables,
            payer=payer,
            profile=profile,
            day=claim.date_of_service,
            diagnoses=claim.diagnoses,
            lines=claim.lines,
            registry=registry,
            rule_id="",
            memo={},
            _tagged={},
            procedure_codes=frozenset([line.procedure for line in claim.lines]),
        )

    if TYPE_CHECKING:
        claim: Claim
        dataset: Dataset
        tables: EngineTables
        payer: str
        profile: str
        day: date
        diagnoses: Sequence[str]
        lines: Sequence[ServiceLine]
        registry: DatasetRegistry | None
        #: the rule being run (set by the engine before each rule).
        rule_id: str
        #: a per-claim scratch dict rules may share (a new one for every claim).
        memo: dict[str, Any]
        _tagged: dict[str, list[int]]
        #: the procedure codes billed (the engine picks the rules to run by them).
        procedure_codes: frozenset[str]

    def __setattr__(self, name: str, value: Any) -> None:
        # Every rule of the claim reads these: a rule that set ``payer``, ``diagnoses`` or
        # a derived fact would change what the rules after it (another plugin's, the
        # kernel's) say.  ``rule_id`` only names the running rule, which the engine sets
        # again before each rule, so callers that run a rule by hand may set it.
        if name != "rule_id":
            raise AttributeError(f"the claim's context is read-only to rules: cannot set {name!r}")
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"the claim's context is read-only to rules: cannot delete {name!r}")

    @property
    def is_medicare(self) -> bool:
        return self.profile == "medicare"

    @_lazy
    def specialty(self) -> str | None:
        """The billing specialty: the claim's own, or else the one specialty its billed
        procedures declare (``Procedure.specialty``), or None when neither tells.

        Rules scoped to specialties (``Rule.specialties``) run only on claims of theirs,
        so that one specialty's billing rules never speak on another's claim."""
        written = self.claim.specialty
        if written:
            known = _SPECIALTIES.get(written)
            if known is None:
                known = remember(_SPECIALTIES, written, normalize_specialty(written))
            return known
        procedures = self.tables.procedures
        declared = {
            proc.specialty
            for code in self.procedure_codes
            if (proc := procedures.get(code)) is not None and proc.specialty
        }
        return declared.pop() if len(declared) == 1 else None

    @_lazy
    def documentation(self) -> Documentation:
        """The claim's documentation; an empty one when none was sent."""
        return self.claim.documentation or _NO_DOCUMENTATION

    @_lazy
    def line_diagnoses(self) -> tuple[tuple[str, ...], ...]:
        """For each line, the diagnosis codes its pointers reach (bad pointers skipped)."""
        count = len(self.diagnoses)
        return tuple(
            tuple(self.diagnoses[p - 1] for p in line.diagnosis_pointers if 1 <= p <= count)
            for line in self.lines
        )

    @_lazy
    def line_modifiers(self) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(line.modifiers) for line in self.lines)

    # The plugin's face: what a rule asks of the engine's tables, answered read-only.
    # ``tables`` itself is engine internals (the kernel's rules, plugins of API 1).

    def label(self, code: str) -> str:
        """A procedure's display label: the user's licensed descriptor when loaded, else
        the plain label a plugin gave it ("" for a code no plugin knows)."""
        return self.tables.label(code)

    def has_tag(self, code: str, tag: str) -> bool:
        """True when some plugin tagged the procedure ``code`` with ``tag``."""
        return self.tables.has_tag(code, tag)

    def procedure(self, code: str) -> Procedure | None:
        """What the plugins say of a procedure code (tags, add-on primaries, unit minutes,
        specialty), merged; None for a code no plugin knows.  A frozen model."""
        return self.tables.procedures.get(code)

    def is_known_procedure(self, code: str) -> bool:
        """True when some plugin (or the licensed descriptor file) knows the code."""
        return code in self.tables.procedures or code in self.tables.descriptors

    def ptp_edits(self, column1: str, column2: str) -> tuple[ProcedureEdit, ...]:
        """The NCCI procedure-to-procedure edits for a pair of codes (official CMS rows,
        when supplied, replace the plugins'), whatever their dates: ``holds_on`` says."""
        return tuple(entry.edit for entry in self.tables.edits_for(column1, column2))

    def lines_with(self, code: str) -> list[int]:
        """Indexes of the lines that bill ``code``."""
        return [i for i, line in enumerate(self.lines) if line.procedure == code]

    def lines_tagged(self, tag: str) -> list[int]:
        """Indexes of the lines whose procedure carries ``tag`` in any plugin."""
        cached = self._tagged.get(tag)
        if cached is None:  # documentation checks ask for the same tags rule after rule
            has_tag = self.tables.has_tag
            cached = [i for i, line in enumerate(self.lines) if has_tag(line.procedure, tag)]
            self._tagged[tag] = cached
        return list(cached)

    def diagnosis_covered(self, pattern_text: str) -> list[int]:
        """Indexes of diagnoses covered by a pattern such as ``M99.00-M99.05``."""
        pattern = _PATTERNS.get(pattern_text)
        if pattern is None:  # plugins pass a few constant patterns: parse each once
            pattern = remember(_PATTERNS, pattern_text, DiagnosisPattern.parse(pattern_text))
        covers = pattern.covers
        return [i for i, code in enumerate(self.diagnoses) if covers(code)]
