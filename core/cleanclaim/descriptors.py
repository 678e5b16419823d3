"""A licensed CPT descriptor file, supplied by the user, for display only.

CPT descriptors belong to the AMA and are never shipped with cleanclaim; an organisation
that holds a licence points ``cpt-descriptors`` at its own copy (two columns: code and
descriptor, tab- or comma-separated) and reports then show those texts instead of our
plain labels.
"""

from __future__ import annotations

from pathlib import Path

#: the largest descriptor file read (the full CPT code set is a few megabytes).
MAX_DESCRIPTOR_BYTES = 64 * 1024 * 1024


class DescriptorFileError(ValueError):
    """The descriptor file cannot be read; names the file and line, never its contents
    (pointed at the wrong file, an error must not print a line of it)."""


def load_descriptors(path: Path) -> dict[str, str]:
    """Code -> descriptor.  UTF-8 (with or without a BOM), UTF-16 and Latin-1 are read
    (:func:`cleanclaim.ncci.decode`); a first line that is not a code is a header."""
    from cleanclaim.ncci import UnreadableRow, decode, delimited_rows

    try:
        if path.exists() and not path.is_file():
            raise DescriptorFileError(f"{path}: not a file (a folder, a FIFO or a device)")
        with path.open("rb") as handle:
            data = handle.read(MAX_DESCRIPTOR_BYTES + 1)
    except OSError as exc:
        raise DescriptorFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_DESCRIPTOR_BYTES:
        raise DescriptorFileError(f"{path}: larger than {MAX_DESCRIPTOR_BYTES:,} bytes")
    out: dict[str, str] = {}
    try:
        for number, row in delimited_rows(decode(data)):
            if not row or not row[0].strip():
                continue
            code = row[0].strip().upper()
            if len(code) != 5 or not (code.isascii() and code.isalnum()):
                if number == 1:
                    continue  # a header line
                raise DescriptorFileError(
                    f"{path}:{number}: the first cell is not a 5-character CPT or HCPCS code"
                )
            out[code] = row[1].strip() if len(row) > 1 else ""
    except UnreadableRow as exc:
        raise DescriptorFileError(f"{path}:{exc.line}: not a CSV or tab row") from None
    if not out:
        raise DescriptorFileError(f"{path}: no rows of a code and its descriptor")
    return out
