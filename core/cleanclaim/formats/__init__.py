"""Claims as they travel: one reader per input format (see
[`cleanclaim.formats.base`][cleanclaim.formats.base] for what every reader yields)."""

from cleanclaim.formats.base import FormatError, Origin, ReadClaim, Reader, located, where

__all__ = ["FormatError", "Origin", "ReadClaim", "Reader", "located", "where"]
