"""A cache of parsed knowledge bases, so that each command need not re-read the YAML.

Reading and validating the bundled knowledge base (hundreds of rules) took about a third of
the CPU time of a whole ``whyache run``; decoding a cached copy takes a small fraction of that
(docs/performance.md).

Nothing read from the cache can run code: an entry is JSON (plain data), and a strict decoder
(:mod:`whyache.knowledge_base.cache_format`) rebuilds the frozen model from it, refusing
anything it does not recognise. The cache is trusted only when no one else could have written
it: the directory is created ``0700`` and is skipped (silently, never trusted) when it is not
owned by the current user or is writable by group or others; an entry file must be a regular
file owned by the user. Each entry names the knowledge base it was made from (the directory as
given, its device and inode, and a digest of every ``*.yaml`` file), and is used only when all
of them match the directory being loaded, so an entry copied over another never passes for it.

The key hashes every ``*.yaml`` file's path and contents (a file above the loader's size cap,
or not a regular file, is not hashed: the loader reports it), the directory as given, and the
size and modification time of the code that turns YAML into the model, so an edited file or an
upgraded whyache never sees a stale entry. At most :data:`MAX_ENTRIES` entries are kept (the
least recently written go first).

Where: ``$WHYACHE_CACHE_DIR``, else ``$XDG_CACHE_HOME/whyache`` (a relative
``XDG_CACHE_HOME`` is ignored, as the XDG specification says), else ``~/.cache/whyache``.
``WHYACHE_NO_CACHE`` set to ``1``, ``true``, ``yes`` or ``on`` turns it off (``0``, ``false``
or empty leave it on). A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from whyache import __version__
from whyache.engine import KnowledgeBase
from whyache.engine.runtime.collector import collector_paused
from whyache.knowledge_base.cache_format import FORMAT, decode, encode
from whyache.knowledge_base.reading import MAX_BYTES

_PACKAGE = Path(__file__).resolve().parent.parent
_BUNDLED = _PACKAGE / "knowledge_base" / "data"  # loader.BUNDLED, without importing PyYAML
#: The code whose output is cached: a change to any of it must change the key.
_CODE = (
    "engine/model/definitions.py",
    "engine/model/conditions.py",
    "engine/errors.py",
    "engine/model/validation.py",
    "knowledge_base/loader.py",
    "knowledge_base/yaml_source.py",
    "knowledge_base/reading.py",
    "knowledge_base/cache.py",
    "knowledge_base/cache_format.py",
    "engine/runtime/collector.py",
)
#: Entries kept in the cache directory; older ones are removed when a new one is written.
MAX_ENTRIES = 16
#: An entry larger than this is not read (the bundled knowledge base is well under 1 MB).
MAX_ENTRY_BYTES = 64 * 1024 * 1024
_TRUTHY = {"1", "true", "yes", "on"}


class _Uncacheable(Exception):
    """The directory cannot be keyed (unreadable, oversized or odd files): use the loader."""


def cache_dir() -> Path:
    explicit = os.environ.get("WHYACHE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "whyache"


def cache_disabled() -> bool:
    """Whether ``WHYACHE_NO_CACHE`` asks for no cache (only a truthy value does)."""
    return os.environ.get("WHYACHE_NO_CACHE", "").strip().lower() in _TRUTHY


def load_cached(directory: Path | str | None = None) -> KnowledgeBase:
    """What :func:`load_knowledge_base` returns, from the cache when nothing changed."""
    with collector_paused():  # see collector.py
        return _load_cached(directory)


def cached_only(directory: Path | str | None = None) -> KnowledgeBase | None:
    """The cached knowledge base when there is a fresh, trusted entry for it, else None.

    An entry exists only for a knowledge base that read and validated cleanly.
    """
    if cache_disabled():
        return None
    try:
        identity = _identity(directory)
    except (OSError, _Uncacheable):
        return None
    folder = cache_dir()
    if not _trusted(folder, create=False):
        return None
    key = hashlib.sha256(identity.encode("ascii")).hexdigest()[:32]
    with collector_paused():
        return _read(folder / f"kb-{key}.json", identity)


def _load_cached(directory: Path | str | None) -> KnowledgeBase:
    if cache_disabled():
        return _loader()(directory)
    try:
        identity = _identity(directory)
        key = hashlib.sha256(identity.encode("ascii")).hexdigest()[:32]
    except (OSError, _Uncacheable):  # let the loader say what is wrong
        return _loader()(directory)
    folder = cache_dir()
    path = folder / f"kb-{key}.json"
    if _trusted(folder, create=False):
        cached = _read(path, identity)
        if cached is not None:
            return cached
    kb = _loader()(directory)
    if _trusted(folder, create=True):
        _write(path, identity, kb)
        _prune(folder, keep=path)
    return kb


def _loader() -> Callable[[Path | str | None], KnowledgeBase]:
    # Imported here: the loader needs PyYAML, which a cache hit does not.
    from whyache.knowledge_base.loader import load_knowledge_base

    return load_knowledge_base


def _identity(directory: Path | str | None) -> str:
    """What an entry must match: code, directory (as given, device, inode) and content digest."""
    root = Path(directory) if directory is not None else _BUNDLED
    where = os.stat(root)
    if not stat.S_ISDIR(where.st_mode):
        raise _Uncacheable
    code = hashlib.sha256()
    for name in _CODE:
        info = (_PACKAGE / name).stat()
        code.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    content = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*.yaml") if p.is_file()):
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            raise _Uncacheable  # the loader refuses it with a proper message
        content.update(os.fsencode(path.relative_to(root).as_posix()) + b"\0")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise _Uncacheable
        content.update(hashlib.sha256(data).digest())
    given = os.fsencode(str(directory)).hex() if directory is not None else "-"
    return (
        f"{FORMAT};{__version__};{sys.version.split()[0]};{code.hexdigest()};"
        f"{given};{where.st_dev}:{where.st_ino};{content.hexdigest()}"
    )


def _trusted(folder: Path, create: bool) -> bool:
    """Whether the directory is ours alone: owned by this user, not writable by anyone else."""
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o022:
        return False
    if info.st_uid != os.getuid():
        return False
    if info.st_mode & 0o077:  # ours, but readable by others: make it private
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
    return True


def _read(path: Path, identity: str) -> KnowledgeBase | None:
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_uid != os.getuid()
                or info.st_size > MAX_ENTRY_BYTES
            ):
                return None
            data = handle.read(MAX_ENTRY_BYTES + 1)
        return decode(json.loads(data), identity)
    except Exception:  # truncated, corrupt, foreign or from an incompatible version: a miss
        return None


def _write(path: Path, identity: str, kb: KnowledgeBase) -> None:
    import tempfile  # only when writing: a cache hit, the common start, does not need it

    try:
        text = json.dumps(encode(kb, identity), separators=(",", ":"))
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(text)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except (OSError, ValueError, TypeError, RecursionError):
        pass  # no cache this time; the knowledge base itself is fine


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest :data:`MAX_ENTRIES` entries; remove pickles left by older versions."""
    try:
        for old in folder.glob("kb-*.pickle"):
            old.unlink(missing_ok=True)
        entries = []
        for entry in folder.glob("kb-*.json"):
            try:
                entries.append((entry.stat().st_mtime_ns, entry.name, entry))
            except OSError:
                continue
        entries.sort(reverse=True)
        for _, _, entry in entries[MAX_ENTRIES:]:
            if entry != keep:
                entry.unlink(missing_ok=True)
    except OSError:
        pass
