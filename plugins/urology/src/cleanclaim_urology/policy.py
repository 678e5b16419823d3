"""The plugin's policy data: read once from ``data/*.toml``, validated, then cached.

Kernel contribution types (procedures, pairings, payer overrides, synonyms) are loaded
with :func:`cleanclaim.rulekit.load_contributions`.  Two record kinds are the plugin's
own, because no kernel contribution type fits them: :class:`CodeDates` (the dates on
which a CPT code exists, for URO102) and :class:`FrequencyLimit` (how many dates of
service a code may be billed on in a window, for URO103).  Both are dated and sourced
like every kernel contribution.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from pydantic import Field

from cleanclaim.contributions import (
    Dated,
    Pairing,
    PayerOverride,
    PayerScoped,
    Procedure,
    ProcedureCode,
    Synonym,
)
from cleanclaim.rulekit import load_contributions

PACKAGE = "cleanclaim_urology"


class CodeDates(Dated):
    """The dates of service on which a CPT code may be billed, and what to bill otherwise.

    ``replaced_by`` names the code(s) to use outside the window: the successors of a
    deleted code, or the predecessor of a code that did not exist yet.
    """

    code: ProcedureCode
    replaced_by: tuple[ProcedureCode, ...] = ()
    citation: str
    note: str = ""


class FrequencyLimit(PayerScoped):
    """At most ``max_dates`` dates of service with ``code`` per window for one patient."""

    code: ProcedureCode
    max_dates: int = Field(ge=1)
    citation: str
    note: str = ""


@cache
def procedures() -> tuple[Procedure, ...]:
    return tuple(load_contributions(PACKAGE, "data/procedures.toml", "procedure", Procedure))


@cache
def own_codes() -> frozenset[str]:
    """The CPT codes this plugin contributes (URO101 judges only these)."""
    return frozenset(p.code for p in procedures())


@cache
def pairings() -> tuple[Pairing, ...]:
    return tuple(load_contributions(PACKAGE, "data/pairings.toml", "pairing", Pairing))


@cache
def payer_overrides() -> tuple[PayerOverride, ...]:
    return tuple(
        load_contributions(PACKAGE, "data/payer_overrides.toml", "override", PayerOverride)
    )


@cache
def synonyms() -> tuple[Synonym, ...]:
    return tuple(load_contributions(PACKAGE, "data/synonyms.toml", "synonym", Synonym))


@cache
def code_dates() -> Mapping[str, tuple[CodeDates, ...]]:
    """Code -> its validity windows (usually one)."""
    out: dict[str, list[CodeDates]] = {}
    for record in load_contributions(PACKAGE, "data/code_dates.toml", "code", CodeDates):
        out.setdefault(record.code, []).append(record)
    return MappingProxyType({code: tuple(records) for code, records in out.items()})


@cache
def frequency_limits() -> Mapping[str, tuple[FrequencyLimit, ...]]:
    """Code -> its frequency limits (several when a limit changed on some date)."""
    out: dict[str, list[FrequencyLimit]] = {}
    for record in load_contributions(
        PACKAGE, "data/frequency_limits.toml", "limit", FrequencyLimit
    ):
        out.setdefault(record.code, []).append(record)
    return MappingProxyType({code: tuple(records) for code, records in out.items()})
