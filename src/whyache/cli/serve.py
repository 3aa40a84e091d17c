"""``whyache serve``: the live teaching page on a local web server."""

from __future__ import annotations

import json
import webbrowser
from pathlib import Path

import click

from whyache.cli.options import format_option, kb_option, load_kb
from whyache.engine import InputError
from whyache.engine.errors import echo
from whyache.web.graphviz import draw_svg


@click.command()
@kb_option
@format_option()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
@click.option("--verbose", is_flag=True, help="Log every request on standard error.")
def serve(
    kb_dir: Path | None,
    output_format: str,
    host: str,
    port: int,
    open_browser: bool,
    verbose: bool,
) -> None:
    """Serve the live teaching page: set facts, watch the causal map and report update.

    The page lists the input facts by category, each present, denied or unknown; the engine
    runs here and the map is drawn with Graphviz (needs dot). Click a node to explain it;
    tick what-if to compare with the case as it was; the address bar holds the case, so a
    class can bookmark it. Listens on 127.0.0.1 (this machine only) unless --host says
    otherwise; prints the URL (as JSON with --format json) and serves until Ctrl-C.

    \b
    Examples:
      whyache serve --open
      whyache serve --port 8765 --format json
    """
    from whyache.api import Session
    from whyache.web.answers import Answers
    from whyache.web.server import TeachingServer

    _check_host(host)
    kb = load_kb(kb_dir)
    session = Session(kb)
    _compiled = session.engine  # compile before the first browser asks
    try:
        server = TeachingServer((host, port), Answers(session, draw_svg), verbose=verbose)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    url = server.url
    if output_format == "json":
        click.echo(json.dumps({"url": url, "kb": kb.name, "kb_version": kb.version}))
    else:
        click.echo(f"whyache · {kb.name} {kb.version} · teaching page at {url} (Ctrl-C stops)")
    if open_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def _check_host(host: str) -> None:
    """Refuse a name the socket layer cannot encode (it raises TypeError, not OSError)."""
    if host.isascii():
        return  # passed to the resolver as it is: a bad one is an OSError when binding
    try:
        host.encode("idna")  # what the socket layer does with a name that is not ASCII
    except UnicodeError:
        raise InputError(
            f"cannot listen on {echo(host)}: not a host name or address",
            hint="give an address such as 127.0.0.1 or a host name",
        ) from None
