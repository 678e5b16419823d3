"""Payer override files: a payer's quirks as data, without writing a plugin.

A file holds ``[[override]]`` records in the shape of
[`PayerOverride`][cleanclaim.contributions.PayerOverride]; configuration names the files and they
are applied after every plugin's own overrides, so a billing team can correct a plugin's
default for the payers it bills.

Each record cites the public document it rests on in ``citation``.  Files written before
the field had that name say ``source``; they keep working (a billing team's file must not
stop loading because the kernel renamed a field), and writing both is an error.
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
        if "citation" in record and "source" in record:
            raise OverrideFileError(
                f"{where}: citation and source both given; source is the older name of "
                "citation: write citation only"
            )
        named = "source" if "source" in record else "citation"
        citation = record.get(named)
        rest = {key: value for key, value in record.items() if key != named}
        try:  # the other fields first: a misspelt key says more than a missing citation
            override = PayerOverride.model_validate({**rest, "citation": "-"})
        except ValidationError as exc:
            problems = describe_validation(exc, whole="record")
            raise OverrideFileError(f"{where}: {problems}") from exc
        if not isinstance(citation, str) or not citation.strip():
            raise OverrideFileError(
                f"{where}: {named}: required, the public document the override rests on "
                '(citation = "Acme Health provider manual 2025, therapy section")'
            )
        out.append(override.model_copy(update={"citation": citation}))
    return out
