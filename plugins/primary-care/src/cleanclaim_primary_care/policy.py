"""The plugin's own policy data: loaded once from the TOML files in ``data/``.

Contribution records (procedures, pairings, integral pairs, payer overrides) use the
kernel's models; the few tables only this plugin's rules read (G2211 periods, one-per-day
groups, sequencing and trauma choices, word lists) are validated here with small models
of the same style, so a malformed record names its file and number at engine build time.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

from cleanclaim.contributions import Dated, DiagnosisPattern, ProcedureCode
from cleanclaim.rulekit import DataFileError, load_contributions, read_data
from cleanclaim_primary_care import DATA_PACKAGE


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


M = TypeVar("M", bound=BaseModel)


def _pattern(value: str) -> str:
    DiagnosisPattern.parse(value)
    return value


class G2211Period(Dated):
    """How Medicare pays G2211 on the dates of service in one window."""

    primary_codes: tuple[ProcedureCode, ...]
    modifier_25_allowed_with: tuple[str, ...] = ()
    citation: str
    note: str = ""


class OnePerDay(_Record):
    """Codes of which one code with one unit may be reported per date of service."""

    codes: tuple[ProcedureCode, ...]
    label: str
    citation: str


class Sequencing(_Record):
    """A symptom code reported with a related condition code (PC104)."""

    symptom: str
    symptom_label: str
    condition: str
    condition_label: str
    citation: str

    @field_validator("symptom", "condition")
    @classmethod
    def _patterns(cls, value: str) -> str:
        return _pattern(value)


class InjuryChoice(_Record):
    """A non-traumatic code and the injury code to use when trauma is documented (PC105)."""

    site: str
    nontraumatic: str
    nontraumatic_label: str
    traumatic: str
    traumatic_code: str
    traumatic_label: str
    citation: str

    @field_validator("nontraumatic", "traumatic")
    @classmethod
    def _patterns(cls, value: str) -> str:
        return _pattern(value)


class WordList(_Record):
    words: tuple[str, ...]
    negations: tuple[str, ...] = ()
    citation: str


class PatternList(_Record):
    patterns: tuple[str, ...]
    citation: str

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            DiagnosisPattern.parse(text)
        return value


def _table(name: str, table: str) -> Any:
    data = read_data(DATA_PACKAGE, name)
    if table not in data:
        raise DataFileError(f"{DATA_PACKAGE}/{name}: table [{table}] is missing")
    return data[table]


def _records(name: str, table: str, model: type[M]) -> list[M]:
    return load_contributions(DATA_PACKAGE, f"data/{name}", table, model)


def _one(name: str, table: str, model: type[_Record]) -> Any:
    try:
        return model.model_validate(_table(name, table))
    except ValueError as exc:
        if isinstance(exc, DataFileError):
            raise
        raise DataFileError(f"{DATA_PACKAGE}/{name}: [{table}]: {exc}") from exc


@cache
def g2211_periods() -> tuple[G2211Period, ...]:
    return tuple(_records("g2211.toml", "period", G2211Period))


@cache
def one_per_day() -> tuple[OnePerDay, ...]:
    return tuple(_records("coding.toml", "one_per_day", OnePerDay))


@cache
def sequencing() -> tuple[Sequencing, ...]:
    return tuple(_records("coding.toml", "sequencing", Sequencing))


@cache
def injury_choices() -> tuple[InjuryChoice, ...]:
    return tuple(_records("coding.toml", "injury_choice", InjuryChoice))


@cache
def trauma_words() -> WordList:
    result: WordList = _one("data/coding.toml", "trauma_words", WordList)
    return result


@cache
def uncertain_terms() -> WordList:
    result: WordList = _one("data/coding.toml", "uncertain_terms", WordList)
    return result


@cache
def symptom_codes() -> PatternList:
    result: PatternList = _one("data/coding.toml", "symptom_codes", PatternList)
    return result
