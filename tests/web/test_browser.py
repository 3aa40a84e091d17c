"""The teaching page and the HTML export in a real browser: Playwright driving the system
Chromium (never a downloaded one), headless.

It clicks through a case as a teacher would (toggle facts, read a conclusion, open a HOW
panel, apply a what-if), checks the page against the engine's JSON and saves screenshots.
With ``WHYACHE_SCREENSHOTS=DIR`` (``make screenshots`` sets docs/img) the screenshots and the
toggle-to-map times go to DIR; otherwise to a temporary folder. The times are recorded, not
asserted: speed is measured, never a pass/fail condition of a unit test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from statistics import median

import pytest
from click.testing import CliRunner

from whyache.cli import main

from ..tools import CHROMIUM, CHROMIUM_ARGS, need

HOT_DAY = ["hot_weather", "inadequate_fluid_intake"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    need(CHROMIUM, "Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        need(None, "playwright (pip install -e '.[test]')")
        raise
    from playwright.sync_api import expect

    # A shared CI machine can be slow: wait up to 30 s for the page rather than 5.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        yield chromium
        chromium.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = os.environ.get("WHYACHE_SCREENSHOTS")
    folder = Path(target) if target else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def engine_json(*facts: str) -> dict:
    args = [a for f in facts for a in ("-f", f)]
    return json.loads(CliRunner().invoke(main, ["run", *args, "--format", "json"]).stdout)


def page_report(page) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind in ("red_flag", "condition", "symptom", "sign", "mechanism", "recommendation"):
        found[kind] = page.locator(f'#report ul[data-kind="{kind}"] a').evaluate_all(
            "links => links.map(a => a.dataset.node)"
        )
    return found


def toggle(page, fact: str, state: str) -> int:
    """Set one fact and wait for the new map; the page's own toggle-to-map time, in ms."""
    from playwright.sync_api import expect

    version = page.locator("#map").get_attribute("data-version")
    page.locator(f'.fact[data-fact="{fact}"] input[value="{state}"]').check()
    expect(page.locator("#map")).not_to_have_attribute("data-version", version or "0")
    return int(page.locator("#map").get_attribute("data-update-ms") or -1)


def test_a_class_walks_through_a_case(browser, server, shots):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1600, "height": 950})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(server.url)
    expect(page.locator('.fact[data-fact="hot_weather"]')).to_be_visible()

    times = [toggle(page, fact, "yes") for fact in HOT_DAY]
    expect(page.locator("#map svg")).to_be_visible()
    assert page_report(page) == {k: v for k, v in engine_json(*HOT_DAY)["conclusions"].items()}
    assert page.url.endswith("/?hot_weather=yes&inadequate_fluid_intake=yes")
    page.screenshot(path=str(shots / "serve-case.png"))

    page.locator("g.node", has=page.locator("title", has_text="dehydration")).first.click()
    expect(page.locator("#explain-title")).to_have_text("HOW: Dehydration (too little body water)")
    assert "unreplaced_fluid_loss_dehydrates" in page.locator("#explain-text").text_content()
    page.screenshot(path=str(shots / "serve-how.png"))

    page.locator("#what-if").check()
    # Ticking the box redraws once (baseline = this case); wait for it before changing a fact,
    # or the toggle below could take that answer for its own.
    expect(page.locator("#what-if-result")).to_be_visible()
    times.append(toggle(page, "inadequate_fluid_intake", "no"))
    lost = page.locator("#lost").text_content().split(", ")
    assert "dehydration" in lost
    assert (
        page_report(page) == engine_json("hot_weather", "inadequate_fluid_intake=no")["conclusions"]
    )
    page.screenshot(path=str(shots / "serve-what-if.png"))

    # A red flag is listed first, in red; WHY-NOT explains one that is not concluded.
    times.append(toggle(page, "pain_at_rest", "yes"))
    expect(page.locator("#report h3").first).to_have_text("Red flags: see a clinician (1)")
    page.locator('#not-concluded a[data-node="flag_possible_stress_fracture"]').click()
    expect(page.locator("#explain-title")).to_have_text(
        "WHY NOT: Possible stress fracture - needs prompt medical evaluation"
    )

    # The URL holds the case: a bookmark opens the same case.
    again = browser.new_page(viewport={"width": 1600, "height": 950})
    again.goto(page.url)
    expect(again.locator('.fact[data-fact="pain_at_rest"] input[value="yes"]')).to_be_checked()
    expect(again.locator("#map svg")).to_be_visible()
    again.close()

    with page.expect_download() as download:
        page.locator("#download-case").click()
    case_file = Path(download.value.path()).read_text(encoding="utf-8")
    assert json.loads(case_file) == {
        "facts": {"hot_weather": True, "inadequate_fluid_intake": False, "pain_at_rest": True}
    }
    with page.expect_download() as download:
        page.locator("#download-map").click()
    assert "<svg" in Path(download.value.path()).read_text(encoding="utf-8")

    # A stream of toggles, to measure toggle -> updated map (recorded, not asserted).
    for _round in range(5):
        times.append(toggle(page, "heavy_sweating", "yes"))
        times.append(toggle(page, "heavy_sweating", "unknown"))
    (shots / "toggle-times.json").write_text(
        json.dumps({"ms": times, "median_ms": median(times), "load": os.getloadavg()[0]}) + "\n",
        encoding="utf-8",
    )
    assert problems == []
    page.close()


def test_the_html_export_opens_offline_and_explains(browser, tmp_path, shots):
    from playwright.sync_api import expect

    need("dot", "Graphviz")
    out = tmp_path / "case.html"
    args = ["graph", "--format", "html", *[a for f in HOT_DAY for a in ("-f", f)], "-o", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    page = browser.new_page(viewport={"width": 1600, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.locator("g.node", has=page.locator("title", has_text="sweat_fluid_loss")).first.click()
    expect(page.locator("#explain-title")).to_have_text("HOW: Fluid lost through sweat")
    page.locator("#zoom-in").click()
    page.screenshot(path=str(shots / "html-export.png"))
    page.locator("#not-concluded a").first.click()
    expect(page.locator("#explain-title")).to_contain_text("WHY NOT:")
    assert requests == [out.as_uri()]  # nothing fetched: no script, style or font
    page.close()


def test_the_page_asks_why_the_legs_ache(browser, server, shots, bundled_kb):
    """A reported ache is explained on the page as in the report: after the red flags, before
    the other conclusions, each explanation in the CLI's words and level."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1600, "height": 950})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server.url + "?leg_ache=yes&hot_weather=yes&pain_at_rest=yes")
    finding = page.locator('.finding[data-finding="leg_ache"]')
    expect(finding).to_be_visible()
    run = engine_json("leg_ache", "hot_weather", "pain_at_rest")["explanations"][0]
    expect(finding.locator("h3")).to_have_text(
        f"Why aching legs? (reported; {run['supported_causes']} of "
        f"{run['documented_causes']} documented causes fit the facts)"
    )
    items = finding.locator("li")
    expect(items).to_have_count(len(run["supported"]))
    for index, e in enumerate(run["supported"]):
        expect(items.nth(index)).to_have_class(e["level"])
        expect(items.nth(index)).to_contain_text(f"{e['level']}: {e['chain']}")
    # In the report: the red flags' list, then the finding, then the other kinds.
    order = page.locator("#report > *").evaluate_all(
        "els => els.map(e => e.className === 'finding' ? 'finding' : e.tagName + ':' +"
        " (e.className || ''))"
    )
    assert order[:3] == ["H3:urgent", "UL:", "finding"], order
    # Each "-f fact" to add is one piece on screen, never broken across lines.
    options = finding.locator(".option")
    expect(options.first).to_have_text("-f inadequate_fluid_intake")
    pieces = options.evaluate_all("els => els.map(e => e.getClientRects().length)")
    assert pieces and set(pieces) == {1}, pieces
    # The reported findings are the first controls of the case.
    observed = sum(bundled_kb.is_observed(f.id) for f in bundled_kb.facts)
    expect(page.locator("#categories summary").first).to_have_text(
        f"Reported findings ({observed})"
    )
    page.locator("#side").screenshot(path=str(shots / "serve-why.png"))
    assert problems == []
    page.close()
