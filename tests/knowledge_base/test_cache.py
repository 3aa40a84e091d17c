from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from whyache.knowledge_base import load_knowledge_base
from whyache.knowledge_base.cache import cache_dir, load_cached

from ..conftest import TINY


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WHYACHE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(TINY, tmp_path / "kb"))


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("kb-*.json"))


def test_second_load_comes_from_the_cache(cache: Path, kb_dir: Path):
    first = load_cached(kb_dir)
    assert first == load_knowledge_base(kb_dir)
    (entry,) = entries(cache)
    data = json.loads(entry.read_text())
    entry.write_text(json.dumps({**data, "description": "X"}))
    assert load_cached(kb_dir).description == "X"  # read from the entry, not the files


def test_an_edited_file_is_read_again(cache: Path, kb_dir: Path):
    load_cached(kb_dir)
    manifest = kb_dir / "kb.yaml"
    manifest.write_text(manifest.read_text().replace('version: "1"', 'version: "2"'))
    assert load_cached(kb_dir).version == "2"
    assert len(entries(cache)) == 2


@pytest.mark.parametrize("junk", [b"", b"not json", b'{"a": 1}', b"[1]", b"\xff"])
def test_a_corrupt_entry_is_ignored_and_replaced(cache: Path, kb_dir: Path, junk: bytes):
    expected = load_cached(kb_dir)
    (entry,) = entries(cache)
    entry.write_bytes(junk)
    assert load_cached(kb_dir) == expected
    assert json.loads(entry.read_bytes())["name"] == expected.name


def test_errors_still_come_from_the_loader(cache: Path, tmp_path: Path):
    from whyache.engine import KnowledgeBaseError

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(KnowledgeBaseError, match=r"no kb\.yaml"):
        load_cached(empty)
    assert entries(cache) == []


def test_can_be_turned_off(cache: Path, kb_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("WHYACHE_NO_CACHE", "1")
    load_cached(kb_dir)
    assert not cache.exists()


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path, kb_dir: Path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("WHYACHE_CACHE_DIR", str(blocker / "cache"))
    assert load_cached(kb_dir) == load_knowledge_base(kb_dir)


def test_cache_dir_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("WHYACHE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "whyache"
