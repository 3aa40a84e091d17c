"""``whyache serve`` as a user starts it: a free port, the URL printed, the page served."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request

import jsonschema
from click.testing import CliRunner

from whyache.cli import main
from whyache.schemas import load_schema

from ..tools import need


def test_serve_prints_its_url_and_serves_the_page():
    need("dot", "Graphviz")
    process = subprocess.Popen(
        [sys.executable, "-m", "whyache", "serve", "--format", "json"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        jsonschema.validate(started, load_schema("serve"))
        assert started["url"].startswith("http://127.0.0.1:")
        with urllib.request.urlopen(started["url"] + "?pain_at_rest=yes", timeout=30) as page:
            assert page.status == 200
            assert b"<title>whyache" in page.read()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_port_in_use_is_a_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1


def test_a_host_the_socket_layer_cannot_encode_is_a_one_line_error():
    # found by the fuzz: a private-use character made bind raise TypeError (exit 70)
    result = CliRunner().invoke(main, ["serve", "--host", "`\U001003dex"])
    assert result.exit_code == 2
    assert result.stderr.startswith(r"Error: cannot listen on '`\U001003dex': not a host name")
    assert result.stderr.count("\n") == 1
