"""CLM206: a procedure code not shaped like any CPT or HCPCS Level II code."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from cleanclaim.context import ClaimContext
from cleanclaim.rule import Hit, Rule

#: the shapes of the HIPAA procedure code sets for professional claims.
#: CPT Category I: five digits (97110); four digits and A (vaccine codes such as 0001A) or
#: M (administrative MAAA codes such as 0002M). Category II: four digits and F (1036F).
#: Category III: four digits and T (0232T). Proprietary laboratory analyses: four digits
#: and U (0001U). HCPCS Level II: a letter and four digits (G0283).
SHAPE = re.compile(r"^(?:\d{5}|\d{4}[AFMTU]|[A-Z]\d{4})$")

#: letters typed for look-alike digits.
_LOOKALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def is_well_formed(code: str) -> bool:
    """True when ``code`` (normalised, upper case) has the shape of a CPT/HCPCS code."""
    return SHAPE.match(code) is not None


def _repairs(code: str) -> tuple[str, ...]:
    """The code with look-alike letters read as digits, when that makes it well formed.

    Only the positions that must be digits are changed: the first of a HCPCS Level II
    code stays a letter, and so does a CPT code's final F, T, U, A or M.
    """
    candidates = [code.translate(_LOOKALIKE)]
    candidates.append(code[:4].translate(_LOOKALIKE) + code[4:])
    candidates.append(code[:1] + code[1:].translate(_LOOKALIKE))
    return tuple(c for c in dict.fromkeys(candidates) if c != code and is_well_formed(c))


def check(ctx: ClaimContext, options: Mapping[str, Any]) -> Iterator[Hit]:
    seen: set[str] = set()
    for index, line in enumerate(ctx.lines):
        code = line.procedure
        if is_well_formed(code) or code in seen:
            continue
        seen.add(code)
        repairs = _repairs(code)
        hint = f" Did you mean {', '.join(repairs)}?" if repairs else ""
        yield Hit(
            f"{code} is not a procedure code: CPT codes are five digits, or four digits and "
            "a letter (F, T, U, A or M), and HCPCS Level II codes are a letter and four "
            f"digits.{hint}",
            f"lines[{index}].procedure",
            (code,),
            repairs,
        )


RULE = Rule(
    id="CLM206",
    name="malformed-procedure-code",
    summary="A procedure code that is not shaped like a CPT code (five digits, or four "
    "digits and F, T, U, A or M) or a HCPCS Level II code (a letter and four digits).",
    why="Professional claims report procedures in the HIPAA code sets CPT and HCPCS Level "
    "II; a code of another shape (a letter O typed for a zero) is in neither, and the claim "
    "is rejected at the front end. A well-formed code that no plugin knows is only CLM205's "
    "info, because it may be real.",
    example="9711O (letter O) typed for 97110.",
    fix="Correct the code; the finding suggests the code with look-alike letters read as "
    "digits when that makes a well-formed code.",
    reference="45 CFR 162.1002 (HIPAA code sets: CPT and HCPCS for physician and other "
    "health care services); CMS HCPCS Level II coding procedures (alphanumeric: a letter "
    "and four digits)",
    check=check,
    groups=("claim",),
    example_claim={
        "date_of_service": "2026-05-12",
        "diagnoses": ["M62.830"],
        "lines": [{"procedure": "9711O", "units": 1, "diagnosis_pointers": [1]}],
    },
)
