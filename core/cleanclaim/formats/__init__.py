"""Claims as they travel: one reader per input format (see
[`cleanclaim.formats.base`][cleanclaim.formats.base] for what every reader yields).

``read(path_or_stream, format=None)`` yields every claim of a file as a
[`ReadClaim`][cleanclaim.formats.base.ReadClaim]; ``detect(head)`` names the format of a
file's first bytes; ``reader(name)`` is one format's reader (see
[`cleanclaim.formats.registry`][cleanclaim.formats.registry]).
"""

from cleanclaim.formats.base import (
    FormatError,
    Origin,
    ReadClaim,
    Reader,
    by_date,
    located,
    placed,
    where,
)
from cleanclaim.formats.registry import FORMATS, detect, read, reader

__all__ = [
    "FORMATS",
    "FormatError",
    "Origin",
    "ReadClaim",
    "Reader",
    "by_date",
    "detect",
    "located",
    "placed",
    "read",
    "reader",
    "where",
]
