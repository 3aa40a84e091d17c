"""Issue 14, item 1: nothing in the knowledge-base cache can run code or pass for another KB."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from pathlib import Path

import pytest

from whyache.knowledge_base import cache as cache_module
from whyache.knowledge_base import load_knowledge_base
from whyache.knowledge_base.cache import cache_dir, cache_disabled, load_cached

from ..conftest import FIXTURES, TINY
from .conftest import run_cli


class _Payload:
    """A pickle that, when loaded, creates a marker file (what an attacker's entry would do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TINY, tmp_path / "kb"))


def _env(cache: Path) -> dict[str, str]:
    return {"WHYACHE_CACHE_DIR": str(cache), "WHYACHE_NO_CACHE": ""}


def test_a_planted_pickle_never_runs(tmp_path: Path, kb_dir: Path):
    cache = tmp_path / "cache"
    first = run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=_env(cache))
    assert first.returncode == 0
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Payload(marker))
    names = [p.name for p in cache.iterdir()]
    assert names  # the entry the attacker overwrites
    # Every existing entry, and the names the pickle-based cache used, now hold the payload.
    for name in [*names, *(n.replace(".json", ".pickle") for n in names)]:
        (cache / name).write_bytes(evil)
    again = run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=_env(cache))
    assert again.returncode == 0
    assert again.stdout == first.stdout
    assert not marker.exists()
    assert not list(cache.glob("*.pickle"))  # old-format entries are removed, never read


def test_the_cache_directory_is_private(tmp_path: Path, kb_dir: Path):
    cache = tmp_path / "deep" / "cache"
    assert run_cli("run", "--kb", str(kb_dir), env=_env(cache)).returncode == 0
    assert cache.stat().st_mode & 0o777 == 0o700


def test_a_world_writable_directory_is_never_trusted(tmp_path: Path, kb_dir: Path):
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    env = _env(cache)
    assert run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=env).returncode == 0
    assert list(cache.iterdir()) == []  # nothing written into it
    # An entry planted there (valid in every other respect) is not read either.
    cache.chmod(0o700)
    run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=env)
    (entry,) = cache.glob("kb-*.json")
    entry.write_text(entry.read_text().replace("Drink more", "PLANTED"))
    assert b"PLANTED" in run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=env).stdout
    cache.chmod(0o777)
    assert b"PLANTED" not in run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=env).stdout


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give the directory away")
def test_a_foreign_owned_directory_is_never_trusted(tmp_path: Path, kb_dir: Path):
    cache = tmp_path / "theirs"
    cache.mkdir(mode=0o755)
    run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=_env(cache))
    (entry,) = cache.glob("kb-*.json")
    entry.write_text(entry.read_text().replace("Drink more", "PLANTED"))
    os.chown(cache, 65534, 65534)  # nobody: another local user
    out = run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=_env(cache))
    assert out.returncode == 0
    assert b"PLANTED" not in out.stdout


def test_an_entry_of_another_kb_copied_over_is_refused(tmp_path: Path, monkeypatch):
    a = Path(shutil.copytree(TINY, tmp_path / "a"))
    b = Path(shutil.copytree(TINY, tmp_path / "b"))
    (b / "kb.yaml").write_text((b / "kb.yaml").read_text().replace("name: tiny", "name: other"))
    monkeypatch.setenv("WHYACHE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WHYACHE_NO_CACHE", raising=False)
    load_cached(a)
    load_cached(b)
    entry_a, entry_b = sorted(
        (tmp_path / "cache").glob("kb-*.json"), key=lambda p: b"other" in p.read_bytes()
    )
    shutil.copyfile(entry_b, entry_a)
    assert load_cached(a).name == "tiny"
    env = _env(tmp_path / "cache")
    shutil.copyfile(entry_b, entry_a)
    out = run_cli("kb", "stats", "--kb", str(a), "--format", "json", env=env)
    assert b'"tiny"' in out.stdout and b'"other"' not in out.stdout


def test_a_file_name_that_is_not_utf8(tmp_path: Path, kb_dir: Path):
    (kb_dir / os.fsdecode(b"extra-\xff.yaml")).write_bytes(b"facts: []\n")
    env = _env(tmp_path / "cache")
    first = run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=env)
    assert first.returncode == 0, first.stderr
    assert run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=env).stdout == first.stdout
    assert len(list((tmp_path / "cache").glob("kb-*.json"))) == 1


def test_the_key_never_hashes_a_file_above_the_cap(tmp_path, kb_dir, monkeypatch):
    big = kb_dir / "big.yaml"
    with big.open("wb") as out:
        out.truncate(100 * 1024 * 1024)  # sparse: 100 MB, costs no disk
    hashed = []
    real = hashlib.sha256

    def counting(data: bytes = b"") -> object:
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(cache_module.hashlib, "sha256", counting)
    monkeypatch.setenv("WHYACHE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WHYACHE_NO_CACHE", raising=False)
    from whyache.engine import WhyacheError

    with pytest.raises(WhyacheError, match="too large"):
        load_cached(kb_dir)
    assert max(hashed, default=0) < 5 * 1024 * 1024


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("WHYACHE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WHYACHE_NO_CACHE", raising=False)
    for number in range(cache_module.MAX_ENTRIES + 5):
        kb = Path(shutil.copytree(TINY, tmp_path / f"kb{number}"))
        load_cached(kb)
    assert len(list((tmp_path / "cache").glob("kb-*.json"))) == cache_module.MAX_ENTRIES


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path, kb_dir: Path, monkeypatch):
    monkeypatch.delenv("WHYACHE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "whyache"
    env = {"XDG_CACHE_HOME": "relative/cache", "HOME": str(tmp_path / "home")}
    work = tmp_path / "work"
    work.mkdir()
    env_all = {**env, "WHYACHE_CACHE_DIR": "", "WHYACHE_NO_CACHE": ""}
    assert run_cli("run", "--kb", str(kb_dir), "-f", "sun", env=env_all, cwd=work).returncode == 0
    assert list(work.iterdir()) == []
    assert list((tmp_path / "home" / ".cache" / "whyache").glob("kb-*.json"))


@pytest.mark.parametrize(
    ("value", "off"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("", False),
        ("no", False),
    ],
)
def test_only_a_truthy_no_cache_turns_it_off(value, off, monkeypatch, tmp_path, kb_dir):
    monkeypatch.setenv("WHYACHE_NO_CACHE", value)
    monkeypatch.setenv("WHYACHE_CACHE_DIR", str(tmp_path / "cache"))
    assert cache_disabled() is off
    assert load_cached(kb_dir) == load_knowledge_base(kb_dir)
    assert (tmp_path / "cache").exists() is not off


_EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "whyache" / "examples"


@pytest.mark.parametrize(
    "directory",
    [
        None,
        _EXAMPLES / "squeaky-bicycle-kb",
        _EXAMPLES / "differential-kb",
        TINY,
        FIXTURES / "broken_kbs" / "link-stronger-than-sources",
    ],
    ids=["bundled", "bicycle", "differential", "tiny", "links-and-says"],
)
def test_a_cache_hit_is_the_knowledge_base_itself(directory, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("WHYACHE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("WHYACHE_NO_CACHE", raising=False)
    fresh = load_knowledge_base(directory)
    assert load_cached(directory) == fresh  # a miss, written
    hit = load_cached(directory)
    assert list((tmp_path / "cache").glob("kb-*.json"))
    assert hit == fresh  # every field compared, kinds and tagline included
    assert hit.kinds == fresh.kinds and hit.known_strata() is not None


def test_every_model_field_has_a_place_in_the_entry():
    from dataclasses import fields

    from whyache.engine import (
        Disagreement,
        Document,
        FactDef,
        KindDef,
        KnowledgeBase,
        RuleDef,
        Source,
    )
    from whyache.knowledge_base import cache_format

    sizes = {FactDef: 14, RuleDef: 11, Document: 5, Disagreement: 5, KindDef: 15, Source: 3}
    for cls, size in sizes.items():
        assert len([f for f in fields(cls) if f.init]) == size, f"{cls.__name__} changed"
    kb_fields = {f.name for f in fields(KnowledgeBase) if f.init}
    encoded = cache_format.encode(load_knowledge_base(TINY), "x")
    assert kb_fields <= set(encoded)
