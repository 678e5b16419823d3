"""The engine's compiled indexes: every contribution merged once, keyed for the hot path.

Checking a claim must be plain dictionary look-ups over these tables.  They are built by
[`cleanclaim.engine`][cleanclaim.engine] when the engine is created and never change afterwards,
which is
what makes one engine safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cleanclaim.codes import DiagnosisPattern
from cleanclaim.memo import Memo
from cleanclaim.memo import remember as remember
from cleanclaim.options import ReadOnlyDict
from cleanclaim.plugin_data import (
    DocumentationCheck,
    IntegralPair,
    Pairing,
    Procedure,
    ProcedureEdit,
    UnitLimit,
)


@dataclass(frozen=True, slots=True)
class CompiledPairing:
    pairing: Pairing
    patterns: tuple[DiagnosisPattern, ...]
    source: str
    #: code -> answer; the same few diagnoses recur claim after claim.
    _memo: Memo = field(
        default_factory=lambda: Memo("diagnoses a pairing supports"), compare=False, repr=False
    )

    def supports(self, code: str) -> bool:
        """True when one of the pairing's patterns covers the diagnosis ``code``."""
        answer: bool | None = self._memo.get(code)
        if answer is None:
            answer = remember(self._memo, code, any(p.covers(code) for p in self.patterns))
        return answer


@dataclass(frozen=True, slots=True)
class CompiledDocumentationCheck:
    check: DocumentationCheck
    patterns: tuple[DiagnosisPattern, ...]
    source: str


@dataclass(frozen=True, slots=True)
class CompiledIntegralPair:
    pair: IntegralPair
    symptom: DiagnosisPattern
    definitive: DiagnosisPattern
    source: str


@dataclass(frozen=True, slots=True)
class EditEntry:
    edit: ProcedureEdit
    source: str


@dataclass(frozen=True, slots=True)
class LimitEntry:
    limit: UnitLimit
    source: str


class ReadOnlyTable(ReadOnlyDict):
    """A table as rules see it: read-only, with the ``dict``'s own fast reads."""

    __slots__ = ()
    refusal = "the engine's tables are read-only: they are shared by every claim"


def _engine_memo() -> Memo:
    """The engine's memo of pure look-ups (see `EngineTables.memo`)."""
    return Memo("answers of pure look-ups: diagnosis triggers, documentation checks")


def _read_only(table: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A table as rules see it: read-only, its list values tuples.

    A mapping that is not a ``dict`` (the compiled official PTP files) is already a
    read-only view and is kept as it is."""
    if not isinstance(table, dict) or isinstance(table, ReadOnlyTable):
        return table
    return ReadOnlyTable(
        {key: tuple(value) if isinstance(value, list) else value for key, value in table.items()}
    )


@dataclass
class EngineTables:
    """Everything rules read besides the claim and the code set.

    The engine fills the tables while it builds and then calls `seal()`: from then on
    every table is a read-only mapping of tuples and no attribute can be set, so a rule
    (plugin code) cannot change what the rules of a later claim read.  ``memo``, a cache
    of pure look-ups, is read-only to rules too: only the kernel fills it, through the
    module's `remember()`.
    """

    procedures: Mapping[str, Procedure] = field(default_factory=dict)
    pairings: Mapping[str, Sequence[CompiledPairing]] = field(default_factory=dict)
    plugin_edits: Mapping[tuple[str, str], Sequence[EditEntry]] = field(default_factory=dict)
    #: a dict, or `cleanclaim.ncci.OfficialEdits` over compiled official files.
    official_edits: Mapping[tuple[str, str], Sequence[EditEntry]] = field(default_factory=dict)
    plugin_limits: Mapping[str, Sequence[LimitEntry]] = field(default_factory=dict)
    official_limits: Mapping[str, Sequence[LimitEntry]] = field(default_factory=dict)
    documentation: Mapping[str, Sequence[CompiledDocumentationCheck]] = field(default_factory=dict)
    integral_pairs: Sequence[CompiledIntegralPair] = field(default_factory=tuple)
    synonyms: Mapping[str, Sequence[str]] = field(default_factory=dict)
    descriptors: Mapping[str, str] = field(default_factory=dict)
    #: answers of pure look-ups the kernel repeats claim after claim (whether a rule's
    #: diagnosis trigger covers a code, which documentation checks cover it), keyed
    #: ``("diagnosis-trigger" | "documentation", rule id, code)``.  A wrong entry would
    #: change every later claim's report, so only the kernel writes it, through
    #: `cleanclaim.memo.remember()`; a rule that tries gets ``TypeError`` (ENG001).
    memo: Memo = field(default_factory=_engine_memo)

    def seal(self) -> EngineTables:
        """Make every table read-only, once, when the engine is built (not per claim)."""
        for name in _TABLES:
            object.__setattr__(self, name, _read_only(getattr(self, name)))
        object.__setattr__(self, "integral_pairs", tuple(self.integral_pairs))
        object.__setattr__(self, "_sealed", True)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        if self.__dict__.get("_sealed"):
            raise AttributeError(f"the engine's tables are read-only: cannot set {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"the engine's tables are read-only: cannot delete {name!r}")

    def has_tag(self, code: str, tag: str) -> bool:
        """True when some plugin tagged the procedure ``code`` with ``tag``."""
        proc = self.procedures.get(code)
        return proc is not None and tag in proc.tags

    def label(self, code: str) -> str:
        """A display label: the user's licensed descriptor if loaded, else our plain label."""
        if code in self.descriptors:
            return self.descriptors[code]
        proc = self.procedures.get(code)
        return proc.label if proc else ""

    def edits_for(self, column1: str, column2: str) -> Sequence[EditEntry]:
        """PTP rows for a pair; official CMS rows, when supplied, replace plugin rows."""
        key = (column1, column2)
        if self.official_edits:
            return self.official_edits.get(key, ())
        return self.plugin_edits.get(key, ())

    def procedure_codes_in(self, table: str) -> frozenset[str]:
        """Every procedure code an entry of ``table`` (pairings, edits, limits) names, with
        the same precedence as the look-ups: official edits replace the plugins'."""
        if table == "pairings":
            return frozenset(self.pairings)
        if table == "edits":
            edits = self.official_edits or self.plugin_edits
            codes = getattr(edits, "codes", None)  # compiled official files know their codes
            if codes is not None:
                return frozenset(codes())
            return frozenset(code for pair in edits for code in pair)
        if table == "limits":
            return frozenset(self.official_limits) | frozenset(self.plugin_limits)
        raise ValueError(f"no procedure table named {table!r}")

    def limits_for(self, code: str) -> Sequence[LimitEntry]:
        """MUE rows for a code; official CMS rows, when supplied, replace plugin rows."""
        if self.official_limits and code in self.official_limits:
            return self.official_limits[code]
        return self.plugin_limits.get(code, ())


#: the attributes `EngineTables.seal()` turns into read-only mappings.
_TABLES = (
    "procedures",
    "pairings",
    "plugin_edits",
    "official_edits",
    "plugin_limits",
    "official_limits",
    "documentation",
    "synonyms",
    "descriptors",
)
