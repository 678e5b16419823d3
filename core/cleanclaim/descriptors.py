"""A licensed CPT descriptor file, supplied by the user, for display only.

CPT descriptors belong to the AMA and are never shipped with cleanclaim; an organisation
that holds a licence points ``cpt-descriptors`` at its own copy (two columns: code and
descriptor, tab- or comma-separated) and reports then show those texts instead of our
plain labels.
"""

from __future__ import annotations

import csv
from pathlib import Path


class DescriptorFileError(ValueError):
    """The descriptor file cannot be read; names the file and line."""


def load_descriptors(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DescriptorFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    delimiter = "\t" if "\t" in text[:4096] else ","
    out: dict[str, str] = {}
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1):
        if not row or not row[0].strip():
            continue
        code = row[0].strip().upper()
        if len(code) != 5 or not code.isalnum():
            if number == 1:
                continue  # a header line
            raise DescriptorFileError(f"{path}:{number}: {row[0]!r} is not a CPT code")
        out[code] = row[1].strip() if len(row) > 1 else ""
    return out
