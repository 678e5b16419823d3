"""The few code-writing rules the builder needs: dotted form, the padded 7th-character
stem, and whether a code lies in a range.

The kernel's code vocabulary (``cleanclaim.codes``) is the one the rest of the project
speaks; this distribution depends on nothing (the kernel depends on it), so it keeps
these three in one place of its own, written to agree with the kernel's.
``tests/refdata/test_codes_agree.py`` holds the two together.
"""

from __future__ import annotations

__all__ = ["dotted", "in_range", "pad_stem"]


def dotted(code: str) -> str:
    """``D6911`` -> ``D69.11``; a category stays as it is (kernel: ``codes.dotted``)."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def pad_stem(code: str) -> str:
    """The 7-character stem (dot included: 8 chars minus the 7th) of a code needing a 7th
    character: ``S13.4`` -> ``S13.4XX``, ``T36.0X1`` unchanged (kernel: ``codes.pad_stem``)."""
    stem = code if "." in code else code + "."
    return stem.ljust(7, "X")


def in_range(code: str, start: str, end: str | None) -> bool:
    """Whether dotted ``code`` is ``start`` or below it, or lies from ``start`` to ``end``
    and below (kernel: ``codes.CodeRange.covers``, which a note's reference is read by)."""
    if end is None:
        return code.startswith(start)
    return code[: len(start)] >= start and code[: len(end)] <= end
