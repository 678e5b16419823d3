"""Telling a real interrupt of the process from plugin code that raises one.

The engine catches ``BaseException`` around plugin code (rules, hooks, imports): a
plugin's ``sys.exit()``, ``raise KeyboardInterrupt`` or stray ``GeneratorExit`` must
become an ENG001 finding or a build problem naming it, never a silent exit 0.  But a
Ctrl-C or a SIGTERM that happens to arrive while a rule runs is the user stopping the
process, and must stop it.

The two cannot be told apart from the exception: Python's SIGINT handler raises a plain
``KeyboardInterrupt`` in whatever frame is running.  So the signal handlers count:
`install()` replaces Python's default SIGINT handler with one that does exactly what
the default does (raise ``KeyboardInterrupt``) after adding one to `received`.
Around plugin code the engine notes `received`; if it changed, a signal arrived
and whatever the plugin raised (or swallowed) the interrupt goes on (`is_real()`).

Where the count cannot be trusted -- an application installed its own SIGINT handler,
or `install()` could not run (not the main thread) -- a ``KeyboardInterrupt`` is
always taken as real: swallowing a user's Ctrl-C is worse than reporting a plugin's
fake one as an interrupt.  With SIGINT ignored (batch workers) no signal can raise one,
so a ``KeyboardInterrupt`` is the plugin's own.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

#: signals turned into exceptions by the handlers below since the process started.
received = 0
#: what the last of those signals raised (KeyboardInterrupt or Terminated).
_last: type[KeyboardInterrupt] = KeyboardInterrupt


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised by `install()`'s handler where a command asks for it, so that a
    stopped batch cleans up (workers, a partial output) as after Ctrl-C."""


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    global received, _last
    received += 1
    _last = KeyboardInterrupt
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    global received, _last
    received += 1
    _last = Terminated
    raise Terminated


def install(*, sigterm: bool = False) -> Callable[[], None]:
    """Count SIGINT (and, with ``sigterm``, turn SIGTERM into `Terminated`).

    Only Python's own default handlers are replaced; an application's handler is left
    alone.  Returns a function that puts back what was there.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    restore: list[tuple[int, Callable[[int, FrameType | None], object] | int | None]] = []
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        restore.append((signal.SIGINT, signal.signal(signal.SIGINT, _on_sigint)))
    if sigterm and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        restore.append((signal.SIGTERM, signal.signal(signal.SIGTERM, _on_sigterm)))

    def put_back() -> None:
        for signum, handler in restore:
            signal.signal(signum, handler)

    return put_back


def is_real(exc: BaseException, seen: int) -> bool:
    """True when ``exc``, raised by plugin code, must stop the process: a signal arrived
    since `received` was ``seen``, or it is a ``KeyboardInterrupt`` whose origin
    cannot be known (see the module docstring)."""
    if received != seen:
        return True
    if not isinstance(exc, KeyboardInterrupt):
        return False
    try:
        handler = signal.getsignal(signal.SIGINT)
    except ValueError:  # pragma: no cover - no signal support
        return True
    return handler is not _on_sigint and handler != signal.SIG_IGN


def reraise_if_real(exc: BaseException, seen: int) -> None:
    """Re-raise the interrupt when `is_real()` says ``exc`` is one (a plugin that turned
    the user's Ctrl-C into another exception still stops the process); else return."""
    if not is_real(exc, seen):
        return
    if isinstance(exc, KeyboardInterrupt):
        raise exc
    raise _last() from None


def check_swallowed(seen: int) -> None:
    """Raise the interrupt a plugin caught and swallowed: a signal arrived since ``seen``
    and nothing was raised."""
    if received != seen:
        raise _last()


@contextlib.contextmanager
def signals_win() -> Iterator[None]:
    """Within it, an exception raised after a signal arrived is that signal's interrupt.

    A signal's exception raised inside library code can come out as that library's own
    error: pydantic's serializer calls back into Python, and a SIGTERM handled there came
    out as a ``PydanticSerializationError`` reading "Terminated" (a batch then printed a
    traceback and lost its output).  A signal did arrive, so it is the signal that stops
    the process; an error with no signal since the block began goes on as it is.
    """
    seen = received
    try:
        yield
    except Exception as exc:
        reraise_if_real(exc, seen)
        raise
