from __future__ import annotations

import gc

import pytest

from whyache.__main__ import main

from .conftest import TINY


def test_entry_point_pauses_the_collector_only_while_starting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setattr("sys.argv", ["whyache", "kb", "stats", "--kb", str(TINY)])
    try:
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code == 0
        assert gc.isenabled()  # collecting again before any case runs
        assert gc.get_freeze_count() > 0  # what start-up made is out of the way
    finally:
        gc.unfreeze()
        gc.enable()
    assert "Rules" in capsys.readouterr().out
