"""The static site with the committed results/ (several interpreters): the recorded-run picker, per interpreter."""
import os

import pytest

from deck.browser import static_server
from deck.build import Builder
from tests.conftest import ARTIFACTS, ROOT, watch_errors
from tests.test_live_browser import run_from_the_speaker_view

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    results = os.path.join(ROOT, "results")
    if not any(name.endswith(".json") for name in os.listdir(results)):
        pytest.skip("no recorded results in results/ (make record)")
    out = tmp_path_factory.mktemp("static-results") / "site"
    Builder(os.path.join(ROOT, "slides", "gil.md"), str(out), results_dir=results).build()
    return out


def test_recorded_runs_of_each_interpreter_with_timeline_and_group_chart(site, browser):
    page = watch_errors(browser.new_page(viewport={"width": 1280, "height": 800}))
    with static_server(site) as url:
        page.goto(url)
        page.wait_for_function("document.documentElement.dataset.demos === 'static'")
        page.evaluate("() => { const s = document.getElementById('cell-countdown-threads').closest('section');"
                      " const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }")
        page.wait_for_function("document.getElementById('cell-countdown-threads').dataset.recorded > 0")
        cell = page.locator("#cell-countdown-threads")
        picker = cell.locator("select.demo-python")
        names = picker.locator("option").all_inner_texts()
        old = next((i for i, name in enumerate(names) if name.startswith("cpython-2.7")), None)
        if old is None:
            pytest.skip("results/ has no Python 2.7 run of countdown-threads")
        picker.select_option(str(old))
        result = cell.locator(".demo-result")
        assert result.get_attribute("data-interpreter").startswith("cpython-2.7")
        assert "recorded on" in cell.locator(".demo-where").inner_text()
        assert "context switches" in cell.locator(".demo-stats").inner_text()
        rows = cell.locator("svg.timeline .timeline-row")
        assert rows.count() >= 2 and all(int(n) > 0 for n in rows.evaluate_all(
            "rows => rows.filter(r => r.dataset.name.startsWith('thread')).map(r => r.dataset.busyIntervals)"))
        # the chart compares the group's cells recorded on the same interpreter
        assert cell.locator("svg.group-chart text.this").text_content() == "countdown-threads"
        assert cell.locator("svg.group-chart rect").count() >= 2
        page.screenshot(path=os.path.join(ARTIFACTS, "static-countdown-threads-2.7.png"))
    page.close()
    assert page.errors == []


def test_a_browser_run_from_the_speaker_view_shows_in_both_windows(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    with static_server(site) as url:
        page.goto(url)
        page.wait_for_function("document.documentElement.dataset.demos === 'static'")
        run_from_the_speaker_view(page, "countdown-sequential", 200_000, "Pyodide")
    page.close()


def test_the_first_slide_loads_no_results_and_a_demo_slide_loads_its_own(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    held = []
    context.route("**/results/*.js", lambda route: held.append(route))  # neither answered nor failed until we say so
    with static_server(site) as url:
        page.goto(url)
        page.wait_for_function("document.documentElement.dataset.demos === 'static'")
        first = page.locator(".reveal .slides > section.present")
        assert first.locator("h1").first.is_visible() and first.bounding_box()["height"] > 100
        # asked for: the cells of the first slide (none) and of the next one (loaded ahead), if any
        near = page.evaluate("Reveal.getSlides().slice(0, 2).flatMap(s => [...s.querySelectorAll('figure.demo-cell')])"
                             ".map(f => f.dataset.cell + '.js')")
        assert {route.request.url.rsplit("/", 1)[1] for route in held} <= set(near)
        if not near:
            assert page.evaluate("window.GIL_RESULTS") is None
        page.evaluate("() => { const s = document.getElementById('cell-countdown-threads').closest('section');"
                      " const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }")
        cell = page.locator("#cell-countdown-threads")
        while not any(route.request.url.endswith("/countdown-threads.js") for route in held):
            page.wait_for_timeout(20)
        assert cell.locator(".demo-where").count() == 0  # shown once its file is there
        asked = {route.request.url.rsplit("/", 1)[1] for route in held}
        # the slide's cell and those its chart compares it with (its group), not every cell's
        assert {"countdown-threads.js", "countdown-sequential.js"} <= asked and len(asked) < len(os.listdir(site / "results"))
        for route in held:
            route.continue_()
        page.wait_for_function("document.getElementById('cell-countdown-threads').dataset.recorded > 0")
        assert "recorded on" in cell.locator(".demo-where").inner_text()
        assert cell.locator("svg.timeline .timeline-row[data-role=worker]").count() == 2  # each thread drawn
    context.close()
