"""The batch's fast path for decoding a JSONL record: orjson when it is installed
(``pip install cleanclaim[fast]``), else nothing (the standard library path is used).

A batch decodes every line with ``json.loads(text, object_pairs_hook=...)``: the hook
refuses a key given twice in one object (``check FILE`` does), but it runs Python for
every object of every claim, and decoding was half the batch's own work besides the
rules.  :func:`fast_object` decodes with orjson instead and returns the claim object
only when it is sure the standard path would return the same one; otherwise None, and
the caller takes the standard path, which gives every answer (and every error message)
it always gave.  So the bytes out are the same with and without orjson.

Sure means:

* the record is bytes without a backslash and without a UTF-8 BOM.  Without a
  backslash every ``"`` delimits a string (a quote inside a string needs one), and no
  string has a ``"`` in it, so orjson's dump of what it decoded has none but the
  delimiters either;
* no run of 19 digits or more: orjson reads an integer past 64 bits as a float (the
  standard path keeps it an integer, and validation then says something else), and a
  long mantissa is where two float parsers could round apart;
* orjson decodes it to a dict (orjson refuses what the standard path refuses, and more:
  NaN, Infinity, 1e400, invalid UTF-8, deep nesting; all of those go the standard way);
* no key was given twice: the record has as many ``"`` as orjson's dump of the decoded
  object.  A key given twice leaves its earlier copy, and that copy's value, out of the
  decoded object, so the dump has at least two quotes fewer; with every key there, the
  record's strings and the object's are the same, two quotes each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

try:  # the optional extra: cleanclaim[fast]
    import orjson
except ImportError:  # pragma: no cover - exercised by the tests with the module hidden
    orjson = None  # type: ignore[assignment]

_BOM = b"\xef\xbb\xbf"
#: every digit read as ``0``, so that one substring test finds a long run of digits
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def _orjson_object(raw: bytes) -> dict[str, Any] | None:
    if b"\\" in raw or raw.startswith(_BOM):
        return None
    if _LONG_NUMBER in raw.translate(_DIGITS_AS_ZERO):
        return None
    try:
        data = orjson.loads(raw)
    except (orjson.JSONDecodeError, RecursionError):
        return None
    if type(data) is not dict:
        return None
    try:
        dumped = orjson.dumps(data)
    except orjson.JSONEncodeError:  # nested deeper than orjson writes
        return None
    if raw.count(b'"') != dumped.count(b'"'):
        return None  # a key given twice: the standard path names it
    return data


def _none(raw: bytes) -> dict[str, Any] | None:
    return None


#: the fast decoder in use: None when the caller must take the standard path.
fast_object: Callable[[bytes], dict[str, Any] | None] = _none if orjson is None else _orjson_object
