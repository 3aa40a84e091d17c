"""Reading files a person hands us: bounded in size, never blocking, errors on one line.

The size cap is checked on what is read, not only on what ``stat`` says (a device reports a
size of 0 and never ends), and anything but a regular file (``/dev/zero``, a FIFO, a socket)
is refused before it is opened, so no read can fill memory or wait forever.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from whyache.engine import InputError, Location

#: The largest file (knowledge-base, case, scenario, answers) whyache reads.
MAX_BYTES = 5 * 1024 * 1024


def check_regular(path: Path | str, what: str = "file") -> os.stat_result:
    """The file's status; InputError unless it is a regular file (or missing, unreadable)."""
    location = Location(str(path))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{what} not found", location=location) from None
    except PermissionError:
        raise InputError(f"permission denied reading {what}", location=location) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", location=location) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{what} is a directory, not a file", location=location)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"{what} is not a regular file (a device, FIFO or socket)", location=location
        )
    return info


def read_bytes(path: Path, what: str = "file", limit: int = MAX_BYTES) -> bytes:
    """At most ``limit`` bytes of a regular file; InputError for anything else or more."""
    location = Location(str(path))
    info = check_regular(path, what)
    if info.st_size > limit:
        raise InputError(
            f"{what} is too large ({info.st_size} bytes; at most {limit})", location=location
        )
    try:
        # O_NONBLOCK: should the path have become a FIFO since the check, opening never waits.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError(f"{what} is not a regular file", location=location)
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{what} not found", location=location) from None
    except PermissionError:
        raise InputError(f"permission denied reading {what}", location=location) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", location=location) from None
    if len(data) > limit:
        raise InputError(f"{what} is too large (more than {limit} bytes)", location=location)
    return data


def read_text(path: Path, what: str = "file") -> str:
    """Read a UTF-8 text file, turning every OS and decoding failure into one-line errors."""
    data = read_bytes(path, what)
    if b"\x00" in data:
        raise InputError(f"{what} is binary, not text", location=Location(str(path)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{what} is not valid UTF-8 text", location=Location(str(path), line)
        ) from None
