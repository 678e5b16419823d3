"""Building large acyclic data without the cycle collector's rescans.

CPython's cyclic garbage collector runs every few hundred new container objects and, now
and then, rescans every object alive.  Decoding a fiscal year's codes (some 47,000 of
them, with their notes half a million lists) or compiling an NCCI file creates millions
of containers that form no cycles, so every such pass is wasted: measured, it made a
fiscal year's first load twice as slow (docs/benchmarks.md).  Reference counting still
frees everything; only the search for cycles waits until the body is done.
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
        if collecting:
            gc.enable()
