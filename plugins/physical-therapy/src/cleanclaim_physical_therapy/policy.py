"""The plugin's own policy tables, read once from ``data/*.toml``.

The kernel's contribution models cover procedures, pairings, documentation checks and
payer overrides; the few tables only this plugin's rules read (KX thresholds, codes a
payer replaces, trauma sites, minutes per unit) are validated here with small pydantic
models, so a malformed record fails at import with the file and record number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from cleanclaim.contributions import Dated, DiagnosisPattern, Procedure, ProcedureCode
from cleanclaim.models import normalize_diagnosis
from cleanclaim.rulekit import load_contributions, read_data, validate_records
from pydantic import BaseModel, ConfigDict, Field, field_validator

from cleanclaim_physical_therapy import PACKAGE


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KXThreshold(_Record):
    """The KX threshold of one calendar year (PT and SLP combined)."""

    year: int
    amount: Decimal = Field(gt=0)
    effective_from: date
    effective_to: date
    citation: str

    def holds_on(self, day: date) -> bool:
        return self.effective_from <= day <= self.effective_to


class Replacement(Dated):
    """A procedure a payer does not recognise, and the codes it wants instead."""

    code: ProcedureCode
    use: tuple[str, ...]
    reason: str
    citation: str


class NonTraumatic(_Record):
    """A diagnosis that presumes no injury (PT107)."""

    code: str
    label: str
    citation: str

    def pattern(self) -> DiagnosisPattern:
        return DiagnosisPattern.parse(self.code)


class StrainSite(_Record):
    """Words for a site, and the strain codes (best first) for that site."""

    names: tuple[str, ...]
    strain: tuple[str, ...]
    label: str
    citation: str

    @field_validator("names")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(name.strip().lower() for name in value)

    @field_validator("strain")
    @classmethod
    def _strain(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(normalize_diagnosis(code) for code in value)


def _validated(name: str, table: str, model: type[BaseModel], records: list[Any]) -> list[Any]:
    return validate_records(f"{PACKAGE}/{name}", table, model, records)


@cache
def procedures() -> tuple[Procedure, ...]:
    """The procedures of ``procedures.toml`` (timed ones with their ``unit_minutes``)."""
    return tuple(load_contributions(PACKAGE, "data/procedures.toml", "procedure", Procedure))


@cache
def unit_minutes() -> dict[str, int]:
    """Timed code -> minutes per unit (15 for every timed code shipped)."""
    return {p.code: p.unit_minutes for p in procedures() if p.unit_minutes is not None}


@cache
def kx_thresholds() -> tuple[KXThreshold, ...]:
    data = read_data(PACKAGE, "data/kx_thresholds.toml").get("threshold", [])
    return tuple(_validated("data/kx_thresholds.toml", "threshold", KXThreshold, data))


def kx_threshold_on(day: date) -> KXThreshold | None:
    """The threshold in force on a date of service, or None when the data has none."""
    return next((t for t in kx_thresholds() if t.holds_on(day)), None)


def last_kx_threshold_before(day: date) -> KXThreshold | None:
    """The latest threshold that ended before ``day`` (for a year the data does not know)."""
    earlier = [t for t in kx_thresholds() if t.effective_to < day]
    return max(earlier, key=lambda t: t.effective_to, default=None)


@cache
def replacements() -> dict[str, Replacement]:
    data = read_data(PACKAGE, "data/replacements.toml").get("replacement", [])
    records = _validated("data/replacements.toml", "replacement", Replacement, data)
    return {r.code: r for r in records}


@cache
def nontraumatic_codes() -> tuple[NonTraumatic, ...]:
    data = read_data(PACKAGE, "data/strain_sites.toml").get("nontraumatic", [])
    return tuple(_validated("data/strain_sites.toml", "nontraumatic", NonTraumatic, data))


@cache
def strain_sites() -> tuple[StrainSite, ...]:
    data = read_data(PACKAGE, "data/strain_sites.toml").get("site", [])
    return tuple(_validated("data/strain_sites.toml", "site", StrainSite, data))


def strain_site_for(site: str | None, regions: Sequence[str] = ()) -> StrainSite | None:
    """The strain entry for the documented site (free text) or, failing that, the one
    spinal region treated; None when neither names a known site unambiguously."""
    sites = strain_sites()
    if site:
        text = site.strip().lower()
        for entry in sites:
            if text in entry.names:
                return entry
        for entry in sites:
            if any(name in text for name in entry.names):
                return entry
    if len(regions) == 1:
        region = regions[0].lower()
        return next((entry for entry in sites if region in entry.names), None)
    return None
