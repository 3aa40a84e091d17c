"""The teaching page's HTTP server: the standard library's ``ThreadingHTTPServer``.

Why the standard library and not an ASGI/WSGI stack: the page needs five routes, one JSON
body per request and no sessions; a thread per browser is plenty for a classroom (the engine
runs take turns anyway, see :class:`~whyache.web.answers.Answers`), and it adds no dependency
to a tool that is installed on school laptops. It binds 127.0.0.1 unless told otherwise.

Routes: ``GET /`` (the page; its query string is the case, read by the page's script),
``GET /assets/<name>`` (a fixed list of files shipped in the package), ``GET /api/inputs``,
``POST /api/case`` and ``POST /api/explain``. Anything else is 404; a body over
:data:`MAX_BODY` bytes is 413; a bad request gets the CLI's one-line message as
``{"error": {"message": ..., "exit_code": ...}}``.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from whyache.engine import EngineError, KnowledgeBaseError, RunawayError, WhyacheError
from whyache.engine.render.html import MAP_SCRIPT
from whyache.web.answers import Answers

#: The largest request body accepted: a case of every input fact is under 10 KB.
MAX_BODY = 64 * 1024
ASSETS = {
    "map.js": "text/javascript; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
_SECURITY = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
    "style-src 'self' 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def exit_code(exc: WhyacheError) -> int:
    """The exit code the CLI gives this error (``cli.errors.exit_code_for``; a test keeps the
    two equal: the server sits below the CLI and may not import it)."""
    if isinstance(exc, KnowledgeBaseError | RunawayError):
        return 3
    if isinstance(exc, EngineError):
        return 70
    return 2


def asset(name: str) -> bytes:
    if name == "map.js":  # the map's pan, zoom and selection, as the HTML export inlines it
        return MAP_SCRIPT.encode("utf-8")
    return resources.files("whyache.web").joinpath("assets", name).read_bytes()


class Handler(BaseHTTPRequestHandler):
    server: TeachingServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/":
            self._send(HTTPStatus.OK, asset("index.html"), "text/html; charset=utf-8")
        elif path.startswith("/assets/") and path[len("/assets/") :] in ASSETS:
            name = path[len("/assets/") :]
            self._send(HTTPStatus.OK, asset(name), ASSETS[name])
        elif path == "/api/inputs":
            self._json(HTTPStatus.OK, self.server.answers.inputs())
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no such page: {path}")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        routes = {
            "/api/case": self.server.answers.answer,
            "/api/explain": self.server.answers.explain,
        }
        if path not in routes:
            self._error(HTTPStatus.NOT_FOUND, f"no such page: {path}")
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._error(HTTPStatus.LENGTH_REQUIRED, "a request body needs a Content-Length")
            return
        if int(length) > MAX_BODY:
            self.close_connection = True
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request over {MAX_BODY} bytes")
            return
        body = self.rfile.read(int(length))
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._error(HTTPStatus.BAD_REQUEST, f"the request is not JSON: {exc}")
            return
        try:
            self._json(HTTPStatus.OK, routes[path](data))
        except WhyacheError as exc:
            code = exit_code(exc)
            status = HTTPStatus.BAD_REQUEST if code == 2 else HTTPStatus.INTERNAL_SERVER_ERROR
            self._json(status, {"error": {"message": str(exc), "exit_code": code}})

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._json(status, {"error": {"message": message, "exit_code": 2}})

    def _json(self, status: HTTPStatus, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in _SECURITY.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class TeachingServer(ThreadingHTTPServer):
    """One server, one knowledge base; a thread per connection, daemon threads."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], answers: Answers, verbose: bool = False) -> None:
        super().__init__(address, Handler)
        self.answers = answers
        self.verbose = verbose

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"
