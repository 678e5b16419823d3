"""Payer override files: a payer's quirks as data, without writing a plugin.

A file holds ``[[override]]`` records in the shape of
:class:`~cleanclaim.contributions.PayerOverride`; configuration names the files and they
are applied after every plugin's own overrides, so a billing team can correct a plugin's
default for the payers it bills.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from cleanclaim.config import read_toml
from cleanclaim.contributions import PayerOverride
from cleanclaim.models import describe_validation


class OverrideFileError(ValueError):
    """An override file that cannot be used; names the file and record."""


def load_override_file(path: Path) -> list[PayerOverride]:
    data = read_toml(path, str(path), "payer override file", OverrideFileError)
    unknown = sorted(set(data) - {"override"})
    if unknown:
        raise OverrideFileError(f"{path}: unknown table(s) {', '.join(unknown)}; allowed: override")
    out = []
    for number, record in enumerate(data.get("override", []), start=1):
        record = {"source": str(path), **record}
        try:
            out.append(PayerOverride.model_validate(record))
        except ValidationError as exc:
            problems = describe_validation(exc, whole="record")
            raise OverrideFileError(f"{path}: override #{number}: {problems}") from exc
    return out
