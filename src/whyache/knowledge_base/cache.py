"""A cache of parsed knowledge bases, so that each command need not re-read the YAML.

Reading and validating the bundled knowledge base (hundreds of rules) took about a third of
the CPU time of a whole ``whyache run``; unpickling it takes about a hundredth of that
(docs/performance.md). The cache is keyed by a hash of every ``*.yaml`` file's path and
contents, the directory as given, and the size and modification time of the code that turns
YAML into the model, so an edited file or an upgraded whyache never sees a stale entry.

Where: ``$WHYACHE_CACHE_DIR``, else ``$XDG_CACHE_HOME/whyache``, else ``~/.cache/whyache``.
``WHYACHE_NO_CACHE=1`` turns it off. A cache file that cannot be read is ignored and
replaced; writes go to a temporary file renamed into place; a cache that cannot be written
is simply not used. Entries are pickles, so the cache directory must be the user's own, like
the rest of their home directory.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

from whyache import __version__
from whyache.engine import KnowledgeBase

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
    "knowledge_base/cache.py",
)


def cache_dir() -> Path:
    explicit = os.environ.get("WHYACHE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "whyache"


def load_cached(directory: Path | str | None = None) -> KnowledgeBase:
    """What :func:`load_knowledge_base` returns, from the cache when nothing changed."""
    if os.environ.get("WHYACHE_NO_CACHE"):
        return _loader()(directory)
    try:
        path = cache_dir() / f"kb-{_key(directory)}.pickle"
    except OSError:  # unreadable files: let the loader say what is wrong
        return _loader()(directory)
    cached = _read(path)
    if cached is not None:
        return cached
    kb = _loader()(directory)
    _write(path, kb)
    return kb


def _loader() -> Callable[[Path | str | None], KnowledgeBase]:
    # Imported here: the loader needs PyYAML, which a cache hit does not.
    from whyache.knowledge_base.loader import load_knowledge_base

    return load_knowledge_base


def _key(directory: Path | str | None) -> str:
    root = Path(directory) if directory is not None else _BUNDLED
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{sys.version}\0{directory!s}\0".encode())
    for name in _CODE:
        stat = (_PACKAGE / name).stat()
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    for path in sorted(p for p in root.rglob("*.yaml") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _read(path: Path) -> KnowledgeBase | None:
    try:
        with path.open("rb") as handle:
            kb = pickle.load(handle)
    except Exception:  # missing, truncated, corrupt, or from an incompatible version
        return None
    return kb if isinstance(kb, KnowledgeBase) else None


def _write(path: Path, kb: KnowledgeBase) -> None:
    import tempfile  # only when writing: a cache hit, the common start, does not need it

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(kb, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except (OSError, pickle.PicklingError, RecursionError):
        pass  # no cache this time; the knowledge base itself is fine
