"""What the command line says about an input it cannot read, the same for ``check FILE``
and ``check --batch``: one wording per fault, so a record gets the same message whichever
way it arrives, and the message names what it is about (the key, the position, the kind
of file) without quoting the claim.
"""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path

from cleanclaim.models import shown

#: a key that reads as a field name may be quoted; anything else is described by length
#: (an unknown key is input too: it may be pasted text).
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,40}$")

#: the byte-order marks check FILE refuses as UTF-16 (UTF-32-LE's starts with one).
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF16_TEXT = "UTF-16 text; save the claim as UTF-8"


def key_shown(key: str) -> str:
    """A key given twice, as its error names it: ``'claim_id'``, or its length only."""
    return repr(key) if _FIELD_NAME.match(key) else shown(key)


def not_a_file(path: Path) -> str:
    """Why ``path`` cannot be read as a claim file or batch input: what it is instead.

    ``stat`` only: a FIFO is never opened (opening one blocks until a writer comes).
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:  # a loop of links, a name too long, a folder we may not enter
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def _long_number(limit: int) -> re.Pattern[str]:
    # a string literal (skipped) or an integer of more digits than Python converts; a
    # number with a fraction or an exponent is a float and has no such limit.
    return re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9]{' + str(limit + 1) + r",}(?![.eE0-9])")


def number_too_long(text: str) -> str:
    """``a number is too long at line L column C`` (1-based, in characters, as
    ``json.JSONDecodeError`` counts), or without the position if it cannot be found."""
    limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300
    for match in _long_number(limit).finditer(text):
        if match.group().startswith('"'):
            continue
        start = match.start()
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        return f"a number is too long at line {line} column {column}"
    return "a number is too long"
