"""Payer override files: a payer's quirks as data, without writing a plugin.

A file holds ``[[override]]`` records in the shape of
[`PayerOverride`][cleanclaim.contributions.PayerOverride]; configuration names the files and they
are applied after every plugin's own overrides, so a billing team can correct a plugin's
default for the payers it bills.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from cleanclaim.config import read_toml
from cleanclaim.models import describe_validation
from cleanclaim.plugin_data import PayerOverride


class OverrideFileError(ValueError):
    """An override file that cannot be used; names the file and record."""


def load_override_file(path: Path) -> list[PayerOverride]:
    data = read_toml(path, str(path), "payer override file", OverrideFileError)
    unknown = sorted(set(data) - {"override"})
    if unknown:
        raise OverrideFileError(f"{path}: unknown table(s) {', '.join(unknown)}; allowed: override")
    out = []
    for number, record in enumerate(data.get("override", []), start=1):
        where = f"{path}: override #{number}"
        # An override changes what a claim is told; the public document it rests on (a CMS
        # transmittal, the payer's manual) is what a reviewer checks it against, so it is
        # required, as it is of a plugin's overrides.
        if not isinstance(record, dict):
            raise OverrideFileError(f"{where}: not a table; write [[override]] records")
        try:  # the other fields first: a misspelt key says more than a missing source
            override = PayerOverride.model_validate({"source": "-", **record})
        except ValidationError as exc:
            problems = describe_validation(exc, whole="record")
            raise OverrideFileError(f"{where}: {problems}") from exc
        source = record.get("source")
        if not isinstance(source, str) or not source.strip():
            raise OverrideFileError(
                f"{where}: source: required, the public document the override rests on "
                '(source = "Acme Health provider manual 2025, therapy section")'
            )
        out.append(override)
    return out
