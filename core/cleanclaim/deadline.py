"""Time limits on plugin code: a looping or very slow rule, hook or import never hangs.

Python cannot stop a thread from outside: a watchdog thread can notice that a rule runs
too long but cannot end it.  What can interrupt running Python code is a signal handler,
which Python runs in the *main thread* between two bytecodes and which may raise.  So:

* :func:`start` arms a real-time timer (``setitimer(ITIMER_REAL)``); when it fires, the
  ``SIGALRM`` handler marks the limit as passed and, only while plugin code runs (between
  :func:`enter` and :func:`leave`), raises :class:`Overrun`.  Raised anywhere else (the
  kernel's own bookkeeping) it would break an invariant, so there it only marks, and the
  engine stops before the next rule.  After firing, the timer repeats every
  :data:`REPEAT` seconds, so a rule that catches the first :class:`Overrun` is
  interrupted again.  :class:`Overrun` derives from ``BaseException``, so a rule's
  ``except Exception`` does not catch it.
* :func:`stop` disarms the timer; a signal already on its way then does nothing.
  Inside :func:`held` (a batch: claim after claim in one process) the timer is not
  disarmed between claims: each claim's limit is a time on the monotonic clock, the
  timer is armed only when none would fire by this claim's limit, and when one fires
  early (it was armed for an earlier claim) the handler re-arms it for what is left of
  this claim's.
  Two system calls per claim were a tenth of checking it (docs/benchmarks.md); the limit
  is kept to the same precision.

The limits, said plainly (docs/promises.md):

* Only the main thread is interrupted.  ``Engine.check`` from another thread runs without
  a time limit, as it does where there is no ``SIGALRM`` (Windows) or where the
  application has its own ``SIGALRM`` handler (which is never replaced).
* Code inside one C call that does not return to Python (a native extension's loop) is
  interrupted only when the call returns, and a rule that catches ``BaseException`` in a
  loop keeps running.  In a batch with ``--workers N`` the parent stops such a worker
  (it watches how long each worker's current claim has run) and answers the claim with
  ENG001; in one process nothing can, so the command line sets :data:`on_stuck`, called
  once such a rule has swallowed interruptions for the limit and one second more, which
  ends the process with a message naming the rule (never a hang).
* An interrupted rule may leave its own state half-updated; the kernel's lazily loaded
  data is built aside and stored whole, so an interruption leaves it unloaded, not torn.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import monotonic
from types import FrameType

#: seconds between further interruptions once the limit has passed (a rule that swallowed one).
REPEAT = 0.05
#: ``_State.fires`` when no timer is armed.
_IDLE = float("inf")

_HAS_TIMER = hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
_MAIN = threading.main_thread()
#: ``signal.getsignal`` without its conversion to an enum (6 µs a claim, this 0.1 µs).
_getsignal: Callable[[int], object] = getattr(__import__("_signal"), "getsignal", signal.getsignal)


class Overrun(BaseException):
    """Raised in plugin code when its time limit has passed.  Never raised to a caller of
    cleanclaim: the engine and the build turn it into a finding or a build problem."""


class _State:
    __slots__ = (
        "active",
        "expired",
        "fires",
        "held",
        "in_plugin",
        "reported",
        "seconds",
        "swallowed",
        "until",
    )

    def __init__(self) -> None:
        self.active = False
        self.expired = False
        self.in_plugin = False
        #: interruptions raised in plugin code since the limit passed.
        self.swallowed = 0
        #: the engine has said so in a finding (one per claim).
        self.reported = False
        self.seconds = 0.0
        #: when the running limit passes, on the monotonic clock.
        self.until = 0.0
        #: when the armed timer fires first, on the monotonic clock (it may have been
        #: armed for an earlier limit, see held()); infinity: not armed.
        self.fires = _IDLE
        #: inside held(): stop() leaves the timer armed for the next claim.
        self.held = False


#: the one limit that can be running (it lives on the main thread).
state = _State()


#: called (from the signal handler, on the main thread) when plugin code has swallowed
#: interruptions for its limit and one second more; None: it keeps being interrupted.
#: The command line's `cleanclaim.cli.plugin_output.checked` sets it in one process.
on_stuck: Callable[[], None] | None = None


def _arm(delay: float) -> None:
    state.fires = monotonic() + delay
    signal.setitimer(signal.ITIMER_REAL, delay, REPEAT)


def _disarm() -> None:
    state.fires = _IDLE
    signal.setitimer(signal.ITIMER_REAL, 0, 0)


def _forked() -> None:
    # a child process does not inherit the parent's timer (fork(2)), only our note of it
    state.fires = _IDLE


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if not state.active:
        _disarm()  # armed for a limit that has ended (held): nothing runs now
        return
    if not state.expired:
        left = state.until - monotonic()
        if left > 0:  # armed for an earlier claim's limit (held): wait for this one's
            _arm(left)
            return
    state.expired = True
    if state.in_plugin:
        state.swallowed += 1
        if on_stuck is not None and state.swallowed * REPEAT > state.seconds + 1:
            on_stuck()
        raise Overrun


def _usable() -> bool:
    """True when this thread can be interrupted: the main thread, SIGALRM unused or ours."""
    if not _HAS_TIMER or threading.current_thread() is not _MAIN:
        return False
    handler = _getsignal(signal.SIGALRM)
    if handler is _on_alarm:
        return True
    if handler != signal.SIG_DFL:
        return False  # the application's own timer: left alone
    signal.signal(signal.SIGALRM, _on_alarm)
    return True


def start(seconds: float | None) -> bool:
    """Arm a limit of ``seconds`` (None or 0: none).  True when armed here; the caller must
    then call :func:`stop`.  A limit already running (plugin code checking a claim inside
    a rule) is left as it is, and False returned."""
    if not seconds or state.active or not _usable():
        return False
    state.expired = False
    state.in_plugin = False
    state.reported = False
    state.swallowed = 0
    state.seconds = seconds
    state.until = monotonic() + seconds
    state.active = True
    if state.fires > state.until:  # not armed, or armed to fire too late for this limit
        _arm(seconds)  # else it fires first for an earlier claim, and the handler re-arms
    return True


def stop() -> None:
    """End the limit armed by :func:`start` (the handler is quiet from the first line);
    the timer is disarmed too, except inside :func:`held`."""
    state.active = False
    state.in_plugin = False
    if not state.held and state.fires != _IDLE:
        _disarm()


@contextmanager
def held() -> Iterator[None]:
    """Check claim after claim with the timer left armed between them (a batch).

    Only for a process that owns its ``SIGALRM`` (the command line's batch): within the
    block, and for at most one limit's length after it, an alarm may arrive when no limit
    runs; ours ignores it and disarms.  At the end of the block the timer is disarmed.
    """
    was = state.held
    state.held = True
    try:
        yield
    finally:
        state.held = was
        if not was and not state.active and state.fires != _IDLE:
            _disarm()


@contextmanager
def limited(seconds: float | None) -> Iterator[bool]:
    """Run the body as plugin code under a limit of ``seconds``: it may be interrupted by
    :class:`Overrun` (which the caller catches, outside this block).  Yields whether a
    limit was armed."""
    armed = start(seconds)
    try:
        if armed:
            state.in_plugin = True
        yield armed
    finally:
        if armed:
            try:
                state.in_plugin = False
            finally:  # an Overrun at the very start of this block still disarms
                stop()


@contextmanager
def paused() -> Iterator[None]:
    """Run the body outside the limit: it is never interrupted and its time is not counted.

    For the kernel's lazily loaded reference data (a dataset's notes, read by the first
    claim that needs them): a load that takes a second on a busy machine must not turn a
    correct claim's report into ENG001.  The limit resumes with the time that was left.
    """
    if not state.active or threading.current_thread() is not _MAIN:
        yield
        return
    was_in_plugin = state.in_plugin
    state.in_plugin = False  # from here no Overrun is raised
    _disarm()
    began = monotonic()
    try:
        yield
    finally:
        if state.active:
            state.until += monotonic() - began  # the time that was left, resumed
            left = state.until - monotonic()
            # once it had fired, it keeps interrupting
            _arm(left if left > 0 and not state.expired else REPEAT)
            state.in_plugin = was_in_plugin


def expired_now() -> bool:
    """True when the running limit has passed (for code that swallowed :class:`Overrun`)."""
    return state.active and state.expired


def describe(seconds: float) -> str:
    """``0.5 s``, ``5 s``: the limit as the messages give it."""
    return f"{seconds:g} s"
