"""What the Tabular List's instructional notes say beyond their plain code references.

Three things a note says in words that a reader of ``notes.json`` needs as data:

**Qualified references.**  About seventy notes name a range *and narrow it*:
"open fracture of wrist, hand and finger (S62.- with 7th character B)", "diabetes mellitus
(E08-E13 with .42)", "(I69. with final characters -93)", "(T36-T65 with fifth or sixth
character 1-4)".  Read without the qualifier, S61's Excludes1 would keep every S62 fracture
(closed ones too) away from a hand laceration.  `parse_qualifier()` turns the words into
a fourth element of the reference (``[start, end, descendants, qualifier]``)::

    {"text": "with 7th character B", "at": 7, "values": ["B"]}
    {"text": "with .51-.52", "at": 4, "values": ["51", "52"]}
    {"text": "with final characters -93", "at": 5, "values": ["93"]}
    {"text": "with fifth or sixth character 1-4", "at": "final", "values": ["1", "2", "3", "4"]}
    {"text": "with 1", "unparsed": true}

``at`` is a character position of the code written without its dot (1 = the letter, 7 = the
7th character); a code matches when, from that position on, it begins with one of
``values`` (so ``"61"`` at 4 takes in E11.610 and E11.618).  ``at: "final"`` is the
character that ends the code once its 7th character and any placeholder X are set aside:
"fifth or sixth character" means exactly that, because the intent character of T36-T65 is
the 6th (T36.0X1A) or, where the code is one character shorter, the 5th (T51.91XA).
A dotted tail (".42", ".00 or .01") or a dashed one ("-93" after "I69.") counts positions
from the end of a 3-character category, so it is read only when every reference it
qualifies is a category.  "with open fracture 7th character" names 7th characters by their
meaning; the builder fills ``values`` from the 7th-character definitions of the codes the
reference covers (`resolve_meaning()`).  Whatever else follows "with" ("B27.0-B27.9 with
1", "with fifth or sixth character to indicate intent") is kept with ``"unparsed": true``
so a reader can say the note has a qualifier it could not read, rather than read the range
wider or narrower than CMS wrote it.

**Conditional "code first" notes.**  "Code first, if applicable, any causal condition"
(R39.1) or "code first any associated ..." (N18) asks for the cause to be sequenced first
*when there is one*; such a code may be first-listed when there is none (guidelines
I.A.12-I.A.13, IV.D).  `conditional_code_first()` reads one ``<codeFirst>`` element (its
notes together: the condition words are often in the first note, "..., if applicable, any
causal condition, such as:", and the examples in the others).

**Manifestation codes.**  Guideline I.A.13: a code whose title says "in diseases classified
elsewhere" is a manifestation and never first-listed; the title may be on the category
(M36 "Systemic disorders of connective tissue in diseases classified elsewhere" makes M36.0
one).  `is_manifestation_title()` recognises the wordings the tabular uses ("in other
diseases", "in certain ...", "in conditions", "due to diseases", "presenting with
conditions", "associated with disorders or diseases", "in hypersensitivity reactions
classified elsewhere") and leaves out B95-B97 "... as the cause of diseases classified
elsewhere", which name an organism, not a manifestation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_ORDINALS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "six": 6,  # "fifth or six character 5" (T36-T50, D84.821 and others)
    "seventh": 7,
    "4th": 4,
    "5th": 5,
    "6th": 6,
    "7th": 7,
}
_ORD = r"(?:" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")"
_ONE_POSITION = re.compile(rf"^(?P<ord>{_ORD})[- ]characters?\s+(?P<vals>.+)$")
_SPAN = re.compile(rf"^(?P<a>{_ORD}) to (?P<b>{_ORD}) characters?\s+(?P<vals>.+)$")
_EITHER = re.compile(rf"^(?P<a>{_ORD}) or (?P<b>{_ORD}) characters?\s+(?P<vals>.+)$")
_FINAL = re.compile(r"^final characters?\s+(?P<vals>.+)$")
_DOTTED = re.compile(r"^(?P<vals>\.[0-9A-Z].*)$")
_MEANING = re.compile(r"^(?P<words>[a-z][a-z ]*?) (?:7th|seventh) character$")
#: one value of a list: "B", "1-4", ".51-.52", ".61-", ".6x", "-93"
_VALUE = re.compile(r"^\.?(?P<low>[0-9A-Z]+)(?P<wild>x*)(?:-\.?(?P<high>[0-9A-Z]+))?(?P<dash>-)?$")
_SEPARATORS = re.compile(r"\s*(?:,|\bor\b|\band\b|\.\s)\s*")


def _values(text: str) -> list[str] | None:
    """``"B or C"`` -> ``["B", "C"]``; ``"1-4 or 6"`` -> ``["1", "2", "3", "4", "6"]``;
    ``".51-.52"`` -> ``["51", "52"]``; None when a part is not a character value."""
    out: list[str] = []
    for part in _SEPARATORS.split(text.strip().rstrip(".")):
        part = part.strip()
        if not part:
            continue
        m = _VALUE.match(part)
        if m is None:
            return None
        low, high = m["low"], m["high"]
        if high is None:
            out.append(low)
            continue
        if len(low) != len(high):
            return None
        if low.isdigit() and high.isdigit() and int(low) <= int(high):
            out.extend(str(n).zfill(len(low)) for n in range(int(low), int(high) + 1))
        elif len(low) == 1 and low <= high:
            out.extend(chr(n) for n in range(ord(low), ord(high) + 1))
        else:
            return None
    return out or None


def _categories_only(refs: Iterable[list[Any]]) -> bool:
    return all(len(r[0]) == 3 and (r[1] is None or len(r[1]) == 3) for r in refs)


def parse_qualifier(text: str, refs: list[list[Any]]) -> dict[str, Any]:
    """The qualifier ``text`` ("with 7th character B") of ``refs`` as a reference's 4th
    element (see the module docstring); ``{"text": ..., "unparsed": True}`` when the words
    do not say which characters they mean."""
    words = " ".join(text.split()).rstrip(" .,;:")
    body = re.sub(r"^with\s*", "", words)
    unparsed: dict[str, Any] = {"text": words, "unparsed": True}
    m = _SPAN.match(body)
    if m is not None:
        first, last = _ORDINALS[m["a"]], _ORDINALS[m["b"]]
        vals = _values(m["vals"])
        if vals is None or last <= first or any(len(v) != last - first + 1 for v in vals):
            return unparsed
        return {"text": words, "at": first, "values": vals}
    m = _EITHER.match(body)
    if m is not None:
        vals = _values(m["vals"])
        if {_ORDINALS[m["a"]], _ORDINALS[m["b"]]} != {5, 6} or vals is None:
            return unparsed
        if any(len(v) != 1 for v in vals):
            return unparsed
        return {"text": words, "at": "final", "values": vals}
    m = _ONE_POSITION.match(body)
    if m is not None:
        vals = _values(m["vals"])
        if vals is None:
            return unparsed
        return {"text": words, "at": _ORDINALS[m["ord"]], "values": vals}
    m = _FINAL.match(body)
    if m is not None:
        raw = m["vals"].strip()
        if raw.startswith(("-", ".")):
            if not _categories_only(refs):
                return unparsed
            dashes = len(raw) - len(raw.lstrip("-"))  # "-93" after "I69.": the 4th is any
            at = 4 + dashes
            vals = _values(raw.lstrip("-"))
        else:
            at, vals = "final", _values(raw)  # type: ignore[assignment]
            if vals is not None and any(len(v) != 1 for v in vals):
                return unparsed
        if vals is None:
            return unparsed
        return {"text": words, "at": at, "values": vals}
    m = _DOTTED.match(body)
    if m is not None:
        vals = _values(m["vals"])
        if vals is None or not _categories_only(refs):
            return unparsed
        return {"text": words, "at": 4, "values": vals}
    m = _MEANING.match(body)
    if m is not None:
        return {"text": words, "at": 7, "meaning": m["words"]}
    return unparsed


def resolve_meaning(
    qualifier: dict[str, Any], seventh_tables: Iterable[Mapping[str, str]]
) -> dict[str, Any]:
    """Fill in the 7th characters a meaning-qualifier names ("open fracture") from the
    7th-character tables of the codes its reference covers; unparsed when none does."""
    if "meaning" not in qualifier:
        return qualifier
    words = qualifier["meaning"]
    chars = sorted(
        {char for table in seventh_tables for char, text in table.items() if words in text.lower()}
    )
    if not chars:
        return {"text": qualifier["text"], "unparsed": True}
    return {"text": qualifier["text"], "at": 7, "values": chars}


#: words that make a "code first" instruction depend on something the code itself does not
#: say: "if applicable", "if known", "any (associated) ...", "when associated fever is
#: present", ", for adverse effects, ...", "... complicating pregnancy" (I47, I50, I74: code
#: the obstetric code first *when* the condition complicates a pregnancy).
_CONDITIONAL = re.compile(
    r"\bif (?:applicable|known|present)\b|\bany\b|\bwhen\b|^,?\s*for\b|\bcomplicating\b",
    re.IGNORECASE,
)


def conditional_code_first(texts: Iterable[str]) -> bool:
    """True when a ``<codeFirst>`` element (the texts of its notes) asks for the condition
    it names only if there is one, so the code may be first-listed when there is none."""
    return any(_CONDITIONAL.search(t) for t in texts)


_MANIFESTATION = re.compile(
    r"\b(?:in|due to|presenting with|associated with)\b[^,]*?"
    r"\b(?:diseases?|conditions?|disorders|reactions) classified elsewhere",
    re.IGNORECASE,
)
_ORGANISM = re.compile(r"\bas the cause of\b", re.IGNORECASE)


def is_manifestation_title(title: str) -> bool:
    """True for a title that makes a code a manifestation (guideline I.A.13)."""
    return bool(_MANIFESTATION.search(title)) and not _ORGANISM.search(title)
