"""The self-hosted site with no live server: offline, recorded results, Python in the browser, file://."""
import json
import os
import subprocess
import sys
from urllib.parse import urlparse

import pytest

from deck.browser import static_server
from demos.results import save
from tests.conftest import ARTIFACTS, ROOT, watch_errors

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real deck, built with a results file from a real run made here."""
    root = tmp_path_factory.mktemp("static")
    results = root / "results"
    results.mkdir()
    runs = []
    for cell, python in (("countdown-sequential", []), ("countdown-threads", []),
                         ("countdown-threads", ["--python", "2.7"])):
        done = subprocess.run([sys.executable, "-m", "demos", "run", cell, "--repeat", "1", "--param",
                               "TOTAL_WORK=2000000", "--json", *python], cwd=ROOT, capture_output=True, text=True,
                              check=True)
        runs.append(json.loads(done.stdout))
    save(str(results / "this-machine.json"), runs[0]["machine"], runs)
    from deck.build import Builder
    Builder(os.path.join(ROOT, "slides", "gil.md"), str(root / "site"), results_dir=str(results)).build()
    return root / "site"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = watch_errors(context.new_page())
    page.outside = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("file:", "data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:  # blocked and recorded: the site must not need any other host
            page.outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    yield page
    context.close()


def go_to(page, selector):
    """Show the slide of `selector`, and wait for its cells' recorded results (loaded per slide)."""
    page.evaluate("sel => { const s = document.querySelector(sel).closest('section');"
                  " const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }", selector)
    page.wait_for_function("sel => [...document.querySelector(sel).closest('section').querySelectorAll("
                           "'figure.demo-cell')].every(f => f.dataset.recorded !== undefined)", arg=selector)


def test_static_site_offline_recorded_results_and_python_in_the_browser(site, page):
    with static_server(site) as url:
        page.goto(url)
        page.wait_for_function("document.documentElement.dataset.demos === 'static'")
        fetched = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        assert not any("pyodide.asm" in name or name.endswith((".whl", "katex.min.js")) for name in fetched)  # loaded only when needed

        go_to(page, "#cell-countdown-threads")
        timeline = page.locator("#cell-countdown-threads svg.timeline")
        assert timeline.count() == 1 and int(timeline.get_attribute("data-rows")) >= 2
        assert "recorded on" in page.locator("#cell-countdown-threads .demo-where").inner_text()
        assert page.locator("#cell-countdown-threads button.demo-run").is_disabled()  # threads need the server
        assert "needs real threads" in page.locator("#cell-countdown-threads .demo-note").inner_text()
        picker = page.locator("#cell-countdown-threads select.demo-python")  # the deck's compare-old-new=, recorded
        picker.select_option(picker.locator("option[value^='old-new@']").get_attribute("value"))
        pair = page.locator("#cell-countdown-threads .demo-pair-timeline")
        assert [pair.nth(i).get_attribute("data-interpreter")[:10] for i in range(pair.count())] == \
            ["cpython-2.", "cpython-3."]

        go_to(page, "#cell-countdown-sequential")
        cell = page.locator("#cell-countdown-sequential")
        cell.locator("input[name=TOTAL_WORK]").fill("200000")
        cell.locator("button.demo-run").click()
        page.wait_for_function("(document.querySelector('#cell-countdown-sequential .demo-where') || {})"
                               ".textContent?.includes('Pyodide')", timeout=120_000)
        assert "in your browser (Pyodide/WebAssembly)" in cell.locator(".demo-where").inner_text()
        assert "cell " in cell.locator(".demo-stats").inner_text()

        assert "3 runs" in cell.locator(".demo-stats").inner_text()
        # a browser run has the host's shape: the same wrapper and summary (demos/), run by Pyodide
        browser, host = page.evaluate("""() => GilPyodide.run(GIL_CELLS.cells.find(c => c.id === 'countdown-sequential'),
            {TOTAL_WORK: 100000}, () => {}).then(r => [r, GIL_RESULTS.results[0]])""")
        assert set(browser) == set(host) and set(browser["summary"]) == set(host["summary"])
        assert set(browser["runs"][0]) >= {"status", "wall_s", "cell_s", "stdout", "stderr", "exit_code"}
        assert browser["summary"]["min_cell_s"] <= browser["summary"]["median_cell_s"] <= browser["summary"]["max_cell_s"]
        assert browser["interpreter"]["implementation"] == "CPython" and browser["interpreter"]["name"].startswith("pyodide-")

        go_to(page, "#sympy")  # a browser-only cell that needs SymPy's wheels, its output LaTeX
        page.locator("#sympy button.demo-run").click()
        page.wait_for_function("document.querySelector('#sympy [data-latex]') || document.querySelector('#sympy .demo-error')",
                               timeout=120_000)
        latex = page.locator("#sympy [data-latex]").get_attribute("data-latex")
        assert "2 n \\pi" in latex and "\\frac{\\pi}{2}" in latex and "mathbb{Z}" in latex
        assert page.locator("#sympy .demo-latex .katex").count() == 1
        page.screenshot(path=os.path.join(ARTIFACTS, "static-sympy.png"))
    assert page.outside == [] and page.errors == []


def test_opened_from_disk_it_shows_slides_and_recorded_results(site, page):
    page.goto((site / "index.html").as_uri())
    page.wait_for_function("document.documentElement.dataset.demos === 'static'")
    assert page.locator(".reveal .slides section").first.is_visible()
    go_to(page, "#cell-countdown-threads")
    assert page.locator("#cell-countdown-threads svg.timeline .timeline-row").count() >= 2
    assert page.outside == [] and page.errors == []
