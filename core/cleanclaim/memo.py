"""Memos: answers the kernel computes once and reads again claim after claim.

Every bounded cache of the kernel is a `Memo`: a ``dict`` named after what it
remembers (``Memo("diagnosis lists' hits")``), read with the ``dict``'s own C methods
and written only through `remember()`, which empties it when it holds `LIMIT`
entries.  Memory stays bounded whatever a batch sends (keys come from claims), the
limit is said here once, and a memo that reaches rules (the engine's memo of pure
look-ups) cannot be written by them: every ``dict`` mutator refuses.

Only the memos the end-to-end benchmark justifies are kept (docs/benchmarks.md, "What
the memos keep"): an answer that costs less to compute than a look-up is not
remembered.
"""

from __future__ import annotations

from typing import Any, TypeVar

from cleanclaim.options import ReadOnlyDict

#: entries a memo holds before it starts over; one limit for every memo.  At a few
#: hundred bytes an entry (a key tuple and its answer) a full memo is a few MB, and the
#: kernel keeps about ten: the whole is some tens of MB at most, in the worst batch.
LIMIT = 16_384

_V = TypeVar("_V")


class Memo(ReadOnlyDict):
    """A bounded memo: a ``dict`` that only `remember()` writes and `forget()` empties.

    :param remembers: what it remembers, for its ``repr`` and for a reader of the code
        (``"rule plans per profile, period and procedure set"``).
    :param limit: entries it holds before it starts over; default `LIMIT`, read when
        the memo is made (a test that sets ``cleanclaim.memo.LIMIT = 1`` before building
        an engine gets an engine that remembers almost nothing).
    """

    __slots__ = ("limit", "remembers")
    refusal = (
        "a memo of the engine is read-only: it is shared by every claim "
        "(keep a rule's own per-claim state in ctx.memo)"
    )

    def __init__(self, remembers: str, limit: int | None = None) -> None:
        super().__init__()
        self.remembers = remembers
        self.limit = LIMIT if limit is None else limit

    def __repr__(self) -> str:
        return f"Memo({self.remembers!r}, {len(self)} of {self.limit})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled empty (a memo is only ever a cache), named as it was.
        return (type(self), (self.remembers, self.limit))


def remember(memo: Memo, key: Any, value: _V) -> _V:
    """Store ``value`` under ``key`` (emptying the memo first when it is full) and return
    it.  For the kernel's own answers only; a lost race between threads only computes an
    entry twice.

    :param memo: the memo.
    :param key: what the answer is for (hashable).
    :param value: the answer.
    """
    if len(memo) >= memo.limit:
        dict.clear(memo)
    dict.__setitem__(memo, key, value)
    return value


def forget(memo: Memo) -> None:
    """Empty ``memo`` (tests that want every answer computed again).

    :param memo: the memo.
    """
    dict.clear(memo)
