"""The teaching server over HTTP: same errors as the CLI, capped requests, only its own files."""

from __future__ import annotations

import http.client
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner

from whyache.cli import main
from whyache.engine.render.html import MAP_SCRIPT
from whyache.web.server import MAX_BODY


def request(server, method: str, path: str, body: bytes | None = None, headers=None):
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def post(server, path: str, data) -> tuple[int, dict]:
    status, _type, body = request(server, "POST", path, json.dumps(data).encode())
    return status, json.loads(body)


def test_the_page_and_its_assets(server):
    status, kind, body = request(server, "GET", "/?hot_weather=yes")
    assert (status, kind) == (200, "text/html; charset=utf-8")
    assert b'<script src="/assets/map.js" defer></script>' in body
    assert b'<script src="/assets/app.js" defer></script>' in body
    for name, kind_expected in [
        ("map.js", "text/javascript"),
        ("app.js", "text/javascript"),
        ("app.css", "text/css"),
    ]:
        status, kind, _body = request(server, "GET", f"/assets/{name}")
        assert status == 200 and kind.startswith(kind_expected)


def test_the_map_script_is_the_one_the_html_export_inlines(server):
    """One implementation of pan, zoom and selection for both pages."""
    status, _kind, body = request(server, "GET", "/assets/map.js")
    assert status == 200 and body.decode() == MAP_SCRIPT
    page = CliRunner().invoke(main, ["graph", "--format", "html", "-f", "hot_weather"]).stdout
    assert f"<script>{MAP_SCRIPT}</script>" in page


@pytest.mark.parametrize(
    "path", ["/assets/../server.py", "/assets/answers.py", "/etc/passwd", "/api/case"]
)
def test_only_its_own_assets(server, path):
    status, _kind, body = request(server, "GET", path)
    assert status == 404
    assert json.loads(body)["error"]["message"].startswith("no such page")


def test_inputs_by_category(server, bundled_kb):
    status, _kind, body = request(server, "GET", "/api/inputs")
    data = json.loads(body)
    assert status == 200 and data["kb"]["name"] == "running-leg-ache"
    shown = [f["id"] for group in data["categories"] for f in group["facts"]]
    assert sorted(shown) == sorted(f.id for f in bundled_kb.facts if bundled_kb.can_give(f.id))
    first = data["categories"][0]
    assert first["category"] == "Reported findings"
    assert [f["id"] for f in first["facts"]] == [
        f.id for f in bundled_kb.facts if bundled_kb.is_observed(f.id)
    ]
    assert "leg_ache" in [f["id"] for f in first["facts"]]


def test_a_reported_finding_is_explained_in_the_report_words(server):
    facts = {"leg_ache": "yes", "hot_weather": "yes"}
    status, data = post(server, "/api/case", {"facts": facts})
    args = ["run", "-f", "leg_ache", "-f", "hot_weather", "--format", "json"]
    run = json.loads(CliRunner().invoke(main, args).stdout)["explanations"]
    assert status == 200
    [found] = data["findings"]
    assert found["heading"] == (
        f"Why aching legs? (reported; {run[0]['supported_causes']} of "
        f"{run[0]['documented_causes']} documented causes fit the facts)"
    )
    assert (found["denied"], found["note"]) == (False, None)
    assert [e["text"] for e in found["explanations"]] == [
        f"{e['level']}: {e['chain']}" for e in run[0]["supported"]
    ]
    assert all(e["establish"] for e in found["explanations"] if e["level"] == "possible")


def test_a_case_matches_the_engine(server):
    status, data = post(server, "/api/case", {"facts": {"pain_at_rest": "yes"}})
    assert status == 200
    expected = json.loads(
        CliRunner().invoke(main, ["run", "-f", "pain_at_rest", "--format", "json"]).stdout
    )
    got = {kind: [item["fact"] for item in items] for kind, items in data["report"].items()}
    assert got == expected["conclusions"]
    assert data["svg"].lstrip().startswith("<?xml") and "<svg" in data["svg"]


@pytest.mark.parametrize(
    ("facts", "cli_args"),
    [
        ({"hot_wether": "yes"}, ["-f", "hot_wether"]),
        ({"hours_since_run": "lots"}, ["-f", "hours_since_run=lots"]),
        ({"hot_weather": "maybe"}, ["-f", "hot_weather=maybe"]),
        ({"dehydration": "yes"}, ["-f", "dehydration"]),
    ],
)
def test_bad_facts_get_the_clis_message(server, facts, cli_args):
    status, data = post(server, "/api/case", {"facts": facts})
    cli = CliRunner().invoke(main, ["run", *cli_args, "--format", "json"])
    assert status == 400
    assert data == json.loads(cli.stderr)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "the request is not JSON"),
        (b"[1]", "the request must be a JSON object"),
        (b'{"facts": [1]}', "'facts' must map fact names to values"),
        (b'{"facts": {"hot_weather": true}}', "the value of 'hot_weather' must be text"),
    ],
)
def test_malformed_requests(server, body, message):
    status, _kind, answer = request(server, "POST", "/api/case", body)
    assert status == 400
    assert json.loads(answer)["error"]["message"].startswith(message)


def test_request_size_is_capped(server):
    status, _kind, _answer = request(server, "POST", "/api/case", b" " * (MAX_BODY + 1))
    assert status == 413
    status, _kind, _answer = request(
        server, "POST", "/api/case", None, {"Transfer-Encoding": "chunked"}
    )
    assert status == 411


def test_explain_a_node(server):
    facts = {"hot_weather": "yes", "inadequate_fluid_intake": "yes"}
    status, data = post(server, "/api/explain", {"facts": facts, "node": "dehydration"})
    assert status == 200 and data["title"] == "HOW: Dehydration (too little body water)"
    status, data = post(server, "/api/explain", {"facts": facts, "node": "stress_fracture"})
    assert status == 200 and data["title"] == "WHY NOT: Possible stress fracture"
    status, data = post(server, "/api/explain", {"facts": facts, "node": "nonsense"})
    assert status == 400


def test_what_if_against_a_baseline(server):
    base = {"hot_weather": "yes", "inadequate_fluid_intake": "yes"}
    facts = {"hot_weather": "yes", "inadequate_fluid_intake": "no"}
    status, data = post(server, "/api/case", {"facts": facts, "baseline": base})
    assert status == 200
    assert "dehydration" in data["what_if"]["lost"] and data["what_if"]["gained"] == []


def test_several_browsers_at_once(server):
    cases = [{"facts": {"pain_at_rest": "yes"}}, {"facts": {"hot_weather": "yes"}}] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda c: post(server, "/api/case", c), cases))
    assert all(status == 200 for status, _ in answers)
    flags = [bool(data["report"]["red_flag"]) for _status, data in answers]
    assert flags == [True, False] * 4


def test_the_server_gives_the_exit_codes_of_the_cli():
    from whyache.cli.errors import exit_code_for
    from whyache.engine import (
        EngineError,
        InputError,
        KnowledgeBaseError,
        RunawayError,
        WhyacheError,
    )
    from whyache.web.server import exit_code

    for kind in (WhyacheError, InputError, EngineError, KnowledgeBaseError, RunawayError):
        error = kind("x")
        assert exit_code(error) == exit_code_for(error), kind


def test_a_denied_finding_the_facts_establish_is_said_on_the_page(server):
    facts = {"leg_ache": "no", "hot_weather": "yes", "inadequate_fluid_intake": "yes"}
    status, data = post(server, "/api/case", {"facts": facts})
    assert status == 200
    [found] = data["findings"]
    assert found["heading"] == "Aching legs: denied, yet the other facts establish it"
    assert found["denied"] is True
    assert found["note"].startswith("Check the facts given")
    assert {e["level"] for e in found["explanations"]} == {"established"}
