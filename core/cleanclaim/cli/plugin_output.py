"""What plugin code writes while the command line checks a claim never carries it out.

A rule sees the claim: a plugin that warns, logs or prints with the claim's note would put
patient text on stderr, and a ``print`` would corrupt the JSON on stdout and a batch's
output.  The kernel never does either; this module makes plugin code the same, on the
command line (``check`` and ``check --batch``, in workers too):

* while a claim is checked (:func:`checked`), ``sys.stdout`` and ``sys.stderr`` are sinks
  that keep nothing, ``warnings.showwarning`` records the warning's category only, and a
  log record made by a logger outside ``cleanclaim`` loses its message, arguments,
  exception and stack before any handler sees it (a plugin's own handler included);
* each kind of output is then said once per process on the real stderr, naming the plugin
  and the rule that was running (found on the stack: the engine's rule loop) and the kind
  (``UserWarning``, a WARNING record of logger ``x``, standard output), never the text;
* while the engine is built (:func:`building`), what plugin code prints goes to stderr, so
  stdout stays the report's (no claim has been seen yet, so the text is kept);
* in both, ``os._exit`` called on the main thread raises `ExitRefused` (a
  ``SystemExit``) instead of ending the process: the one way out Python cannot catch
  would otherwise let a plugin's ``os._exit(0)`` end ``check`` with status 0 and no
  report, or a one-process batch with none of its lines.  Like ``sys.exit()``, it costs
  the rule (ENG001) or the hook (a build problem), never the report.

Why not ``warnings.catch_warnings`` around each rule in the engine: it copies the filter
list and swaps module globals at every entry (2.5 µs measured, for every rule of every
claim: about 100 µs on a 500 µs claim with the bundled plugins' 41 rules) and is not
thread-safe (two threads' blocks restore each other's state).  Here the cost is about
1.5 µs per claim, and nothing in the engine changes.

The limits, said plainly (docs/promises.md): this is the command line's.  An application
that calls ``Engine.check`` itself gets plugin output as the plugin wrote it, and must
route it itself (this module's :func:`checked` can be used, from one thread).  Output
written below Python (``os.write(1, ...)``, a native extension's ``printf``) is not caught,
nor an exit below it (``posix._exit`` called directly, a native ``exit()``, a signal): a
batch with workers survives those (the worker is replaced), one process does not.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, NoReturn, TextIO, TypeVar

from cleanclaim import deadline

T = TypeVar("T")

_KERNEL_LOGGER = "cleanclaim"
#: invalidate the warning registries after this many held-back warnings: each distinct
#: text (one per claim, when it quotes the claim) would otherwise stay in the module's
#: ``__warningregistry__`` for the whole batch.
_REGISTRY_EVERY = 1000


class _Guard:
    """The state of the one guarded check that can run (the command line is one thread)."""

    def __init__(self) -> None:
        self.active = False
        self.said: set[tuple[str, str]] = set()
        self.held = 0
        self.stderr: TextIO = sys.stderr


_guard = _Guard()
_lock = threading.Lock()


class ExitRefused(SystemExit):
    """Raised in place of ``os._exit(status)`` called by plugin code on the main thread
    while the command line builds the engine or checks a claim (module docstring)."""


_real_exit = os._exit


def _stuck() -> None:
    """A rule swallowing every interruption past its time limit, in one process: nothing
    can stop it, so the process ends (status 2), naming it, rather than hang.  Not in a
    batch worker, whose parent stops it and answers the claim with ENG001."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        return
    limit = deadline.describe(deadline.state.seconds)
    with contextlib.suppress(OSError, ValueError):
        print(
            f"cleanclaim: error: {_running_rule()} still ran a second after twice the time "
            f"limit of {limit}, catching every interruption: stopped; in one process nothing "
            "else can stop it (with --workers 2 such a claim gets ENG001 and the batch goes "
            "on)",
            file=_guard.stderr,
            flush=True,
        )
    _real_exit(2)


def _refused_exit(status: int) -> NoReturn:
    # Only the main thread runs plugin code here; another thread's exit (a worker's
    # "parent is gone" path) stays real.
    if threading.current_thread() is threading.main_thread():
        raise ExitRefused(status)
    _real_exit(status)


def _running_rule() -> str:
    """``rule NZ101 of plugin 'noisy'``, read from the engine's rule loop on the stack."""
    from cleanclaim import engine

    code = engine._run.__code__
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        if frame.f_code is code:
            active = frame.f_locals.get("active")
            if active is not None:
                return f"rule {active.rule.id} of plugin {active.source!r}"
            break
        frame = frame.f_back
    return "plugin code outside any rule"


def _say(kind: str) -> None:
    """Say once per process what was held back, and from where; never its text."""
    _guard.held += 1
    where = _running_rule()
    key = (where, kind)
    if key in _guard.said:
        return
    _guard.said.add(key)
    with contextlib.suppress(OSError, ValueError):  # stderr closed: nothing to say it on
        print(
            f"cleanclaim: warning: {where} produced {kind} while checking a claim; "
            "its text is withheld because it may quote the claim",
            file=_guard.stderr,
            flush=True,
        )


class _Sink:
    """A text stream that keeps nothing and says once who wrote to it."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, text: str) -> int:
        if text:
            _say(f"output on {self.name}")
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


_STDOUT = _Sink("standard output")
_STDERR = _Sink("standard error")


class _Previous:
    """What the hooks below pass through to when no guarded check runs."""

    shown: Callable[..., None] = warnings.showwarning
    factory: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()


def _showwarning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    if not _guard.active:
        _Previous.shown(message, category, filename, lineno, file, line)
        return
    _say(f"a warning ({category.__name__})")
    if _guard.held % _REGISTRY_EVERY == 0:
        mutated: Callable[[], None] | None = getattr(warnings, "_filters_mutated", None)
        if mutated is not None:
            mutated()


def _record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    made = _Previous.factory(*args, **kwargs)
    name = made.name
    if _guard.active and name != _KERNEL_LOGGER and not name.startswith("cleanclaim."):
        _say(f"a log record ({made.levelname} of logger {name!r})")
        made.msg = "(cleanclaim: text withheld: it may quote the claim being checked)"
        made.args = ()
        made.exc_info = None
        made.exc_text = None
        made.stack_info = None
    return made


def _install() -> None:
    """Hook warnings and log records; both pass through unless a guarded check runs.

    Checked before every claim (two identity tests): code that put back its own
    ``showwarning`` (``warnings.catch_warnings`` on exit does) or record factory is
    wrapped again, never left unguarded.
    """
    with _lock:
        if warnings.showwarning is not _showwarning:
            _Previous.shown = warnings.showwarning
            warnings.showwarning = _showwarning
        factory = logging.getLogRecordFactory()
        if factory is not _record:
            _Previous.factory = factory
            logging.setLogRecordFactory(_record)


def checked(call: Callable[..., T], *args: Any) -> T:
    """``call(*args)`` (``engine.check``) with plugin output held back (module docstring)."""
    if warnings.showwarning is not _showwarning or logging.getLogRecordFactory() is not _record:
        _install()
    out, err = sys.stdout, sys.stderr
    _guard.stderr = err
    _guard.active = True
    sys.stdout, sys.stderr = _STDOUT, _STDERR
    os._exit = _refused_exit
    deadline.on_stuck = _stuck
    try:
        return call(*args)
    finally:
        deadline.on_stuck = None
        os._exit = _real_exit
        sys.stdout, sys.stderr = out, err
        _guard.active = False


@contextmanager
def building() -> Iterator[None]:
    """While the engine is built, plugin ``print`` goes to stderr: stdout is the report's;
    a plugin's ``os._exit`` raises `ExitRefused` (a build problem or load failure)."""
    out = sys.stdout
    sys.stdout = sys.stderr
    os._exit = _refused_exit
    try:
        yield
    finally:
        os._exit = _real_exit
        sys.stdout = out
