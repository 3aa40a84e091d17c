"""A teaching server on a free port of 127.0.0.1, in a thread, for one test module."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from whyache.api import Session
from whyache.web.answers import Answers
from whyache.web.graphviz import draw_svg
from whyache.web.server import TeachingServer

from ..tools import need


@pytest.fixture(scope="module")
def server(bundled_kb) -> Iterator[TeachingServer]:
    need("dot", "Graphviz")
    running = TeachingServer(("127.0.0.1", 0), Answers(Session(bundled_kb), draw_svg))
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()
    thread.join(timeout=10)
