"""Result files that are either whole or untouched.

A batch's ``--output`` is written to a temporary file in the same folder and renamed over
the target (``os.replace``, atomic on POSIX and Windows) only once the batch has ended:

* finished, or interrupted (Ctrl-C, SIGTERM): the temporary file holds whole result lines
  only (each chunk is one write with the signals held back), and it is renamed into place;
  an interrupted batch's output is the start of a full run's output;
* a write that fails (a full disk, ``ulimit -f``, a quota): the temporary file is removed,
  the target is left as it was, and the error names the target;
* the process killed outright (``kill -9``, a crash): the target is left as it was; the
  temporary file (``.NAME.XXXX.tmp`` beside it) holds whole lines only and may be removed.

An output that is not a regular file (``/dev/null``, a FIFO, a terminal) cannot be renamed
over and is written directly.  An output that is the input (the same path, a symbolic link
to it, a hard link) is refused before anything is opened: truncating it would destroy the
claims before they are read.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO

from cleanclaim.cli.errors import CliInputError


class OutputWriteError(CliInputError):
    """Writing the output failed; the message names the output file."""


def refuse_same_file(source: Path, output: str) -> None:
    """Raise `CliInputError` naming both paths when ``output`` is ``source`` itself:
    the same path, a symbolic link to it or a hard link (same device and inode)."""
    try:
        out_stat = os.stat(output)
    except OSError:
        return  # nothing there yet (or unreachable: opening it will say so)
    in_stat = source.stat()
    if (out_stat.st_dev, out_stat.st_ino) == (in_stat.st_dev, in_stat.st_ino):
        raise CliInputError(
            f"--output {output} is the input file {source} (the same file by path or link); "
            "writing the results would destroy the claims: give another output file"
        )


class AtomicOutput:
    """A binary output file written beside its target and renamed into place when closed.

    Use as a context manager: leaving normally, or by ``KeyboardInterrupt`` (whole lines
    are on disk), renames the file into place; leaving by any other exception removes it.
    """

    def __init__(self, target: str) -> None:
        self.name = target
        # A symbolic link stays a link: the file it points to is the one replaced.
        self.path = Path(os.path.realpath(target))
        self.temp: Path | None = None
        self.stream: IO[bytes]
        try:
            existing = self.path.stat()
        except FileNotFoundError:
            existing = None
        except OSError as exc:
            raise OutputWriteError(f"{target}: {exc.strerror or exc}") from None
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            self.stream = self._open_direct()  # /dev/null, a FIFO: nothing to rename over
            return
        try:
            fd, temp = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
        except OSError as exc:
            raise OutputWriteError(f"{target}: {exc.strerror or exc}") from None
        self.temp = Path(temp)
        # mkstemp makes the file private (0600); the result gets the target's own mode, or
        # what the umask gives a new file, as a plain open() would have.
        mode = existing.st_mode & 0o7777 if existing is not None else 0o666 & ~_umask()
        with contextlib.suppress(OSError):  # a file system without modes
            os.chmod(fd, mode)
        self.stream = os.fdopen(fd, "wb")

    def _open_direct(self) -> IO[bytes]:
        try:
            return open(self.name, "wb")
        except OSError as exc:
            raise OutputWriteError(f"{self.name}: {exc.strerror or exc}") from None

    def write(self, data: bytes) -> None:
        """Write and flush ``data``; a failure names the output file."""
        try:
            self.stream.write(data)
            self.stream.flush()
        except OSError as exc:
            raise OutputWriteError(
                f"{self.name}: cannot write the results: {exc.strerror or exc}"
                + ("; the file was left as it was" if self.temp is not None else "")
            ) from None

    def __enter__(self) -> AtomicOutput:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        keep = kind is None or issubclass(kind, KeyboardInterrupt)
        try:
            self.stream.close()
        except OSError as error:  # the last buffered bytes did not fit
            self._discard()
            if kind is None:
                raise OutputWriteError(
                    f"{self.name}: cannot write the results: {error.strerror or error}"
                ) from None
            return
        if self.temp is None:
            return
        if not keep:
            self._discard()
            return
        try:
            os.replace(self.temp, self.path)
        except OSError as error:
            self._discard()
            if kind is None:
                raise OutputWriteError(
                    f"{self.name}: cannot put the results in place: {error.strerror or error}"
                ) from None

    def _discard(self) -> None:
        if self.temp is not None:
            with contextlib.suppress(OSError):  # already gone
                self.temp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
