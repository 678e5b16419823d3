"""The code vocabulary: how ICD-10-CM and CPT/HCPCS codes are written, compared and ranged.

Every other module of the kernel speaks codes through this one, so a code typed
``m62830 `` on a claim, ``M62.830`` in a plugin's pairing and ``M62.83-`` in a tabular
note compare the same way everywhere.  It sits at the bottom of the kernel's layers: it
imports nothing of the kernel, and the claim models, the code-set datasets, the plugin
contributions and the rules all read it.

What is here is pure text: normalising (`normalize_diagnosis`, `normalize_procedure`),
the dotted and undotted forms (`dotted`, `undotted`), the shapes a code may take
(`DIAGNOSIS_SHAPE` ...), inclusive ranges of codes (`CodeRange`, which plugins know as
``DiagnosisPattern``) and the placeholder-X repair (`placeholder_completions`).  What a
code *means* in a fiscal year is the dataset's (`cleanclaim.icd`); what is wrong with
one is the verdict's (`cleanclaim.icd.explain`).
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "CANONICAL_DIAGNOSIS",
    "CANONICAL_MODIFIER",
    "CANONICAL_PROCEDURE",
    "DIAGNOSIS_SHAPE",
    "MODIFIER_SHAPE",
    "PROCEDURE_SHAPE",
    "CodeRange",
    "DiagnosisPattern",
    "ascii_upper",
    "dotted",
    "normalize_code",
    "normalize_diagnosis",
    "normalize_procedure",
    "pad_stem",
    "placeholder_completions",
    "undotted",
]

#: spacing and dots, which claims and notes use freely and which never tell codes apart.
_SPACING = re.compile(r"[\s.]+")
#: upper case for ASCII letters only: ``str.upper`` also maps ``ſ`` to ``S``, ``ı`` to
#: ``I`` and ``ﬀ`` to ``FF``, which made look-alike letters real codes (``ſ39.012A``).
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)

#: an ICD-10-CM code in its dotted form (a letter, two characters, then up to four).
DIAGNOSIS_SHAPE = re.compile(r"^[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{1,4})?$")
#: a CPT or HCPCS Level II code: five letters or digits.
PROCEDURE_SHAPE = re.compile(r"^[A-Z0-9]{5}$")
#: a CPT/HCPCS modifier: two letters or digits.
MODIFIER_SHAPE = re.compile(r"^[A-Z0-9]{2}$")
#: the same shapes for ``fullmatch``: codes that arrive already in the form the rules
#: speak (the usual case) are kept as they are, without normalising.
CANONICAL_DIAGNOSIS = re.compile(r"[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{1,4})?")
CANONICAL_PROCEDURE = re.compile(r"[A-Z0-9]{5}")
CANONICAL_MODIFIER = re.compile(r"[A-Z0-9]{2}")


def ascii_upper(text: str) -> str:
    """``text`` with its ASCII letters upper-cased and every other character as it was
    (so a code with a look-alike letter keeps it, and its shape check refuses it)."""
    return text.upper() if text.isascii() else text.translate(_ASCII_UPPER)


def dotted(flat: str) -> str:
    """The dotted form of an undotted, upper-case code (``M62830`` -> ``M62.830``)."""
    return flat if len(flat) <= 3 else f"{flat[:3]}.{flat[3:]}"


def undotted(code: str) -> str:
    """The code without its dot (``M62.830`` -> ``M62830``), as ranges compare it."""
    return code.replace(".", "")


def normalize_diagnosis(raw: str) -> str:
    """The dotted upper-case form of an ICD-10-CM code, whatever spacing or dot it came
    with (``"m62830 "`` -> ``"M62.830"``).

    Claims carry ``M62830``, ``m62.830`` or ``M62.830 ``; plugins and notes write the
    dotted form.  Every comparison normalises first, so that the rules and the report
    speak one form and ``is_billable("m62830")`` and ``is_billable("M62.830")`` agree.

    :param raw: the code as written, with or without its dot, in any case and spacing.
    """
    flat = raw.replace(".", "")
    # Fast path (the usual case): without dots it is alphanumeric, so it holds no
    # whitespace and the regular expression would remove nothing more.
    flat = ascii_upper(flat) if flat.isalnum() else ascii_upper(_SPACING.sub("", raw))
    return dotted(flat)


#: the name the code-set datasets use for the same normaliser.
normalize_code = normalize_diagnosis


def normalize_procedure(raw: str) -> str:
    """Upper-case CPT/HCPCS code without spaces (``g0283`` and ``G0283`` are one code).

    :param raw: the code as written.
    """
    if raw.isalnum():  # the usual case: nothing for the regular expression to remove
        return ascii_upper(raw)
    return ascii_upper(_SPACING.sub("", raw))


def pad_stem(code: str) -> str:
    """A dotted stem padded with the placeholder X to the six characters a 7th character
    follows (``S13.4`` -> ``S13.4XX``, ``S32`` -> ``S32.XXX``, ``T36.0X1`` unchanged):
    guideline I.A.4.  The datasets index every 7-character code by it at load.

    :param code: a dotted (or undotted three-character) ICD-10-CM stem.
    """
    stem = code if "." in code else code + "."
    return stem.ljust(7, "X")


@dataclass(frozen=True, slots=True)
class CodeRange:
    """A diagnosis code, a code and everything below it, or a range of categories.

    Written the way the tabular list writes them: ``M62.830`` (one code and its
    7th-character extensions), ``M62.83-`` (the code and all its descendants),
    ``M99.00-M99.05`` or ``S30-S39`` (an inclusive range, descendants included).  A
    range always covers what lies below its ends: a note or pairing that names a header
    applies to the codes below it.  Comparison runs on undotted prefixes, so matching is
    a pair of string compares.  String order is the tabular order except for a few
    letter-coded nodes (C4A sits between C43 and C44, D3A before D37, C96.A before C96.9):
    a range whose ends straddle one should be split (``D37-D39``, ``D40-D44``).  The
    packaged datasets' own ranges are rewritten that way by the builder;
    ``tests/refdata/test_range_order.py`` checks the bundled plugins'.

    :param start: the first code, dotted (``M99.00``; the code itself for one code).
    :param end: the last code, dotted (``M99.05``; ``start`` again for one code).
    :param low: ``start`` without its dot, which the comparison reads.
    :param high: ``end`` without its dot.
    """

    start: str
    end: str
    low: str
    high: str

    @classmethod
    def parse(cls, text: str) -> CodeRange:
        """``M62.830``, ``M62.83-``, ``M99.00-M99.05`` or ``S30-S39``; ValueError else.

        :param text: the pattern as a plugin or a note writes it (any case and spacing).
        """
        raw = text.strip()
        if raw.endswith("-") and raw.count("-") == 1:
            raw = raw[:-1].rstrip(".")
        if "-" in raw:
            first, last = raw.split("-", 1)
            start, end = normalize_diagnosis(first), normalize_diagnosis(last)
        else:
            start = end = normalize_diagnosis(raw)
        if not start or not end or not start[0].isalpha():
            raise ValueError(f"{text!r} is not a diagnosis code, code- or range")
        return cls.between(start, end)

    @classmethod
    def between(cls, start: str, end: str | None = None) -> CodeRange:
        """The range from ``start`` to ``end`` and what lies below them.

        :param start: the first code, dotted and normalised.
        :param end: the last code, dotted and normalised; None for ``start`` alone.
        """
        last = start if end is None else end
        return cls(start, last, undotted(start), undotted(last))

    def covers(self, code: str) -> bool:
        """True when ``code`` is the range's code, inside it, or below it.

        :param code: a diagnosis code, dotted and normalised (as claims are).
        """
        flat = code.replace(".", "")
        return self.low <= flat[: len(self.low)] and flat[: len(self.high)] <= self.high

    def __str__(self) -> str:
        return self.start if self.start == self.end else f"{self.start}-{self.end}"


#: what plugin contributions call a `CodeRange` (the name API 1 documented).
DiagnosisPattern = CodeRange


def placeholder_completions(code: str, is_billable: Callable[[str], bool]) -> tuple[str, ...]:
    """The billable codes meant by ``code`` written without its placeholder X.

    ``S13.4A`` -> ``S13.4XXA``, ``T3601A`` -> ``T36.0X1A`` (guideline I.A.4: a code with a
    7th character has six characters before it, empty positions filled with X).  The
    missing Xs are tried at every position after the category, earliest first; the
    candidates ``is_billable`` accepts are returned in that order, without repeats.
    """
    flat = undotted(normalize_diagnosis(code))
    if not 4 <= len(flat) < 7:
        return ()
    stem, char = flat[:-1], flat[-1]
    missing = 6 - len(stem)
    found: list[str] = []
    for positions in itertools.combinations(range(3, 7), missing):
        letters = list(stem)
        for pos in positions:
            letters.insert(pos, "X")
        candidate = dotted("".join(letters) + char)
        if len(candidate) == 8 and is_billable(candidate):
            found.append(candidate)
    return tuple(dict.fromkeys(found))
