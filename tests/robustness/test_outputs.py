"""Issue 14, item 3: no output destroys an input or is left looking complete; write errors and
missing standard streams get the documented exit codes; control characters never go out raw."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ..conftest import TINY
from .conftest import WHYACHE, run_cli

CASES = "".join(json.dumps({"id": n, "sun": True}) + "\n" for n in range(50))


@pytest.mark.parametrize("link", [False, True], ids=["same-file", "symlink"])
def test_batch_output_equal_to_its_input_is_refused(tmp_path: Path, link: bool):
    source = tmp_path / "same.jsonl"
    source.write_text(CASES)
    target = source
    if link:
        target = tmp_path / "link.jsonl"
        target.symlink_to(source)
    out = run_cli("batch", str(source), "--kb", str(TINY), "-q", "-o", str(target))
    assert out.returncode == 2
    assert b"is also an input" in out.stderr
    assert source.read_text() == CASES


def test_consult_save_over_its_answers_is_refused(tmp_path: Path):
    answers = tmp_path / "answers.txt"
    answers.write_text("yes\n")
    out = run_cli("consult", "--kb", str(TINY), "--answers", str(answers), "--save", str(answers))
    assert out.returncode == 2
    assert answers.read_text() == "yes\n"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=str)
def test_an_interrupted_batch_leaves_the_old_output_intact(tmp_path: Path, sig: int):
    source = tmp_path / "cases.jsonl"
    with source.open("w") as out:
        for n in range(200_000):
            out.write(json.dumps({"id": n, "sun": True, "water": n % 2 == 0}) + "\n")
    target = tmp_path / "out.jsonl"
    target.write_text("OLD RESULTS\n")
    process = subprocess.Popen(
        [
            *WHYACHE,
            "batch",
            str(source),
            "--kb",
            str(TINY),
            "--workers",
            "1",
            "-q",
            "-o",
            str(target),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A shell's background job ignores SIGINT, and Python keeps an ignored SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob(".out.jsonl.*.partial")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # some records written to the temporary file
        process.send_signal(sig)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert target.read_text() == "OLD RESULTS\n"
    partial = list(tmp_path.glob(".out.jsonl.*.partial"))
    if sig == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
        assert len(partial) <= 1  # named as incomplete; nothing passes for the output
    else:
        assert process.returncode == 130
        assert partial == []  # removed on the way out


def test_a_completed_batch_replaces_the_output_with_ordinary_permissions(tmp_path: Path):
    source = tmp_path / "cases.jsonl"
    source.write_text(CASES)
    target = tmp_path / "out.jsonl"
    target.write_text("OLD\n")
    out = run_cli("batch", str(source), "--kb", str(TINY), "-q", "-o", str(target))
    assert out.returncode == 0
    assert len(target.read_text().splitlines()) == 50
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl", "out.jsonl"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ["graph", "-f", "sun"],
        ["run", "-f", "sun"],
        ["kb", "stats"],
        ["batch", "CASES", "-q"],
    ],
    ids=lambda a: a[0],
)
def test_a_full_disk_on_stdout_is_exit_2(tmp_path: Path, args: list[str]):
    source = tmp_path / "cases.jsonl"
    source.write_text(CASES)
    args = [str(source) if a == "CASES" else a for a in args]
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*WHYACHE, *args, "--kb", str(TINY)], stdout=full, stderr=subprocess.PIPE, timeout=60
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().startswith(
        "Error: cannot write or read a standard stream: no space"
    )
    assert b"internal error" not in done.stderr
    assert done.stderr.count(b"\n") == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_graph_and_junit_to_a_full_device_is_exit_2(tmp_path: Path):
    out = run_cli("graph", "--kb", str(TINY), "-o", "/dev/full")
    assert out.returncode == 2 and b"no space left on device" in out.stderr
    assert Path("/dev/full").is_char_device()  # written in place, never replaced
    scenarios = tmp_path / "a.scenarios.yaml"
    scenarios.write_text(
        "scenarios:\n  - name: sunny\n    given: {sun: yes}\n    concludes: [drink]\n"
    )
    out = run_cli("check", str(scenarios), "--kb", str(TINY), "--junit", "/dev/full")
    assert out.returncode == 2 and b"no space left on device" in out.stderr


def test_a_failed_graph_write_leaves_no_partial_file(tmp_path: Path, monkeypatch):
    from click.testing import CliRunner

    from whyache.cli import main, streams

    target = tmp_path / "map.dot"
    target.write_text("OLD\n")

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(streams.os, "fsync", failing_fsync)
    result = CliRunner().invoke(main, ["graph", "--kb", str(TINY), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {target}: no space left on device\n"
    assert target.read_text() == "OLD\n"
    assert [p.name for p in tmp_path.iterdir()] == ["map.dot"]


@pytest.mark.parametrize(
    ("args", "closed"),
    [
        (["run", "--kb", str(TINY), "-f", "sun"], "stdout"),
        (["batch", "-", "--input-format", "jsonl", "--kb", str(TINY)], "stdin"),
        (["consult", "--kb", str(TINY)], "stdin"),
    ],
    ids=lambda x: x if isinstance(x, str) else x[0],
)
def test_a_closed_standard_stream_is_exit_2(args: list[str], closed: str):
    fd = 1 if closed == "stdout" else 0
    done = subprocess.run(
        [*WHYACHE, *args],
        stdin=subprocess.DEVNULL if fd else None,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL if fd == 0 else None,
        pass_fds=(),
        preexec_fn=lambda: os.close(fd),
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert b"internal error" not in done.stderr
    assert b"is closed" in done.stderr


def test_junit_with_a_control_character_in_a_scenario_name_parses(tmp_path: Path):
    scenarios = tmp_path / "a.scenarios.yaml"
    scenarios.write_text(
        'scenarios:\n  - name: "bell\\a and escape\\e[31m"\n    given: {sun: yes}\n'
        "    concludes: [see_doctor]\n"
    )
    report = tmp_path / "report.xml"
    out = run_cli("check", str(scenarios), "--kb", str(TINY), "--junit", str(report))
    assert out.returncode == 1
    case = ET.parse(report).getroot().find("testsuite/testcase")
    assert case is not None and case.get("name") == "bell\\x07 and escape\\x1b[31m"
    assert b"\x1b" not in out.stdout and b"\x07" not in out.stdout


def test_an_escape_sequence_in_a_rule_description_never_reaches_the_terminal(tmp_path: Path):
    import shutil

    kb = Path(shutil.copytree(TINY, tmp_path / "kb"))
    rules = kb / "rules.yaml"
    rules.write_text(
        rules.read_text().replace(
            "description: Sun without water makes you thirsty.",
            'description: "Sun\\e]0;owned\\a without water\\e[2J makes you thirsty."',
        )
    )
    for args, describes in (
        (["run", "-f", "sun", "-f", "water=no"], False),  # the short report names no rule
        (["run", "-f", "sun", "-f", "water=no", "--trace"], True),
        (["explain", "thirst", "-f", "sun", "-f", "water=no"], True),
        (["kb", "rules"], False),
    ):
        out = run_cli(*args, "--kb", str(kb))
        assert out.returncode == 0, out.stderr
        assert b"\x1b" not in out.stdout and b"\x07" not in out.stdout
        if describes:
            assert b"Sun\\x1b]0;owned\\x07 without water" in out.stdout


def test_a_file_name_with_an_escape_sequence_in_an_error(tmp_path: Path):
    name = tmp_path / "evil\x1b[2J.yaml"
    out = run_cli("run", "--case", str(name))
    assert out.returncode == 2
    assert b"\x1b" not in out.stderr and b"evil\\x1b[2J.yaml" in out.stderr


def test_a_nul_in_a_file_name_is_exit_2():
    from click.testing import CliRunner

    from whyache.cli import main

    out = CliRunner().invoke(main, ["check", "\x00x"])  # no real argv can hold a NUL
    assert out.exit_code == 2, out.output
    assert out.stderr == "Error: a file name cannot contain a NUL character\n"
