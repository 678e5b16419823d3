"""Building large acyclic data without the cycle collector's rescans.

CPython's cyclic garbage collector runs every few hundred new container objects and, now
and then, rescans every object alive.  Decoding a fiscal year's codes (some 47,000 of
them, with their notes half a million lists) or compiling an NCCI file creates millions
of containers that form no cycles, so every such pass is wasted: measured, it made a
fiscal year's first load twice as slow (docs/benchmarks.md).  Reference counting still
frees everything; only the search for cycles waits until the body is done.

The ``cleanclaim`` program, which owns its process, goes further (`own_process`): it
starts without the collector and freezes (``gc.freeze``) what its start and each large
load leave, since all of it lives until the program ends; a caller that embeds the kernel
keeps its collector exactly as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run the body with the cycle collector off, and switch it back on only if it was on
    (an application that turned it off itself keeps it off).  Two threads loading at once
    may overlap: the first to finish switches it on again, which only costs the other
    some speed."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        settle()  # in the program: what was built is never searched (see settle)
        if collecting:
            gc.enable()


#: True in the ``cleanclaim`` program (`cleanclaim.cli.run`), which owns its process and
#: ends when its command is done; False for a caller that embeds the kernel.
_program = False


#: True from `own_process` until `start_over`: the collector is off for the start.
_starting = False


def own_process() -> None:
    """Say that this process is the ``cleanclaim`` program, and start it without the
    cycle collector: `settle` freezes from now on, and `start_over` switches the
    collector on again once the program's start is done.

    Starting (imports, class creation, the engine build) makes some 200,000 objects that
    live to the end and form no garbage cycles; the collector's passes over them were
    3.5% of a ``check claim.json`` (callgrind, docs/benchmarks.md).  A verb that never
    builds an engine (``code``, ``search``) is short and runs without the collector.
    """
    global _program, _starting
    _program = True
    if gc.isenabled():
        gc.disable()
        _starting = True


def start_over() -> None:
    """The program's start is done (its engine is built): freeze what it made (`settle`)
    and switch the collector on again if `own_process` turned it off."""
    global _starting
    settle()
    if _starting:
        _starting = False
        gc.enable()


def settle() -> None:
    """In the program, move every object alive out of the cycle collector's reach
    (``gc.freeze``); for a caller that embeds the kernel, nothing.

    Called once the program's start is over (the engine built) and after each large
    load (a fiscal year): what exists then lives until the program ends, and each pass of
    the collector would search all of it again.  The first pass after a fiscal year's
    load (collector on again) searched the start's and the year's objects for 21 ms of a
    ``check claim.json`` (measured, docs/benchmarks.md).  Frozen, the engine a batch
    builds is also shared by the workers it forks: a collector pass writes to every object
    it looks at, which would copy the parent's pages into each worker (the gc module's
    advice for fork without exec).  Reference counting still frees
    whatever dies later; only a reference cycle among frozen objects is kept to the end.
    Never in an embedding caller: gc cannot thaw just what it froze.
    """
    if _program:
        gc.freeze()
