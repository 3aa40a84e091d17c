"""Where output goes and input comes from: files replaced whole, standard streams checked.

Every file a command writes (``graph -o``, ``batch -o``, ``check --junit``, ``consult --save``)
goes through :func:`replacing`: the text goes to a hidden temporary file in the same directory
(``.NAME.XXXX.partial``) that is renamed over NAME only once everything was written and
flushed. A failure, Ctrl-C or SIGTERM removes the temporary file; SIGKILL (which nothing can
catch) leaves it, unmistakably incomplete by its name. Either way the old NAME is intact.
:func:`refuse_input_as_output` stops ``-o`` from naming a file the command reads. A
destination that is not a regular file (``/dev/stdout``, a FIFO) is written in place.

:func:`ensure_standard_streams` replaces a missing ``sys.stdin``/``sys.stdout`` (a process
started with the stream closed) by one whose every use fails with an ``OSError``, which the
error edge reports with the documented exit code instead of a crash.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO, Any

from whyache.engine import InputError, Location


def refuse_input_as_output(output: Path | None, inputs: Iterable[Path | str | None]) -> None:
    """InputError when ``output`` is one of ``inputs`` (the same file, or a link to it)."""
    if output is None:
        return
    try:
        target = os.stat(output)
    except OSError:
        return  # does not exist yet: it cannot be an input
    for source in inputs:
        if source is None or str(source) == "-":
            continue
        try:
            info = os.stat(source)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == (target.st_dev, target.st_ino):
            raise InputError(
                f"the output {output} is also an input; writing it would destroy the input",
                hint="choose another output file",
                location=Location(str(source)),
            )


class _Terminated(KeyboardInterrupt):
    """SIGTERM, treated like Ctrl-C so that the partial file is removed on the way out."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


class _Closed(io.TextIOBase):
    """A standard stream the process was started without: reading or writing it fails."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def _fail(self, *args: object) -> Any:
        raise OSError(errno.EBADF, f"standard {self.name} is closed")

    write = read = readline = fileno = _fail

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def ensure_standard_streams() -> None:
    """Stand in for a missing stdin or stdout (see the module docstring)."""
    if sys.stdout is None:
        sys.stdout = _Closed("output")
    if sys.stdin is None:
        sys.stdin = _Closed("input")


@contextmanager
def _in_place(path: Path, binary: bool) -> Iterator[IO[Any]]:
    try:
        with open(path, "wb" if binary else "w", **_text(binary)) as out:
            yield out
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _text(binary: bool) -> dict[str, Any]:
    return {} if binary else {"encoding": "utf-8", "newline": "\n"}


def _cannot_write(path: Path, exc: OSError) -> InputError:
    reason = (exc.strerror or type(exc).__name__).lower()
    return InputError(f"{path}: {reason}")


@contextmanager
def replacing(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A file to write that replaces ``path`` only when the block ends without an error."""
    if os.path.islink(path):
        path = Path(os.path.realpath(path))  # replace what the link points to, keep the link
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        special = False
    if special:  # a device or FIFO cannot be replaced (and must not be, even by root)
        with _in_place(path, binary) as out:
            yield out
        return
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{path.name}.", suffix=".partial"
        )
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        with os.fdopen(handle, "wb" if binary else "w", **_text(binary)) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file would be, not 0600
        os.replace(temporary, path)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
