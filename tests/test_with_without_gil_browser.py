"""The "with and without a GIL" slide in real Chromium: countdown-threads on every kind of Python here, run
live on the server, and as recorded on the static site."""
import json
import os
import re
import subprocess
import sys

import pytest

from deck.browser import static_server
from deck.build import Builder
from demos.results import save
from tests.conftest import ARTIFACTS, ROOT, installed, watch_errors
from tests.test_live_browser import page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
FIGURE = "#cell-countdown-threads-again-gil"
WORK = 3_000_000  # small: the point is the table and the timelines, not the figures

# Every text of the result in canvas px (reveal.js scales the 1100×760 canvas to the window; an SVG timeline
# may be scaled again), and where the slide's content starts and ends on the canvas.
MEASURE = """sel => {
  const scale = Reveal.getScale(), figure = document.querySelector(sel), section = figure.closest('section');
  const canvas = document.querySelector('.reveal .slides').getBoundingClientRect();
  const texts = [...figure.querySelectorAll('.demo-result svg text, .demo-result td, .demo-result th, .demo-pair-name')];
  const px = t => parseFloat(getComputedStyle(t).fontSize) / scale * (t.ownerSVGElement ?
    t.ownerSVGElement.getBoundingClientRect().width / t.ownerSVGElement.viewBox.baseVal.width : 1);
  const boxes = [...section.children].filter(c => c.offsetHeight).map(c => c.getBoundingClientRect());
  return {smallest: Math.min(...texts.map(px)), texts: texts.length,
          top: (Math.min(...boxes.map(b => b.top)) - canvas.top) / scale,
          bottom: (Math.max(...boxes.map(b => b.bottom)) - canvas.top) / scale};
}"""


def go_to_the_slide(page):
    page.evaluate("sel => { const s = document.querySelector(sel).closest('section');"
                  " const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }", FIGURE)
    page.wait_for_function("sel => document.querySelector(sel).dataset.recorded !== undefined", arg=FIGURE)
    return page.locator(FIGURE)


def check_the_comparison(page, figure, names, jython):
    """A row per interpreter with its GIL and threads ÷ sequential, a timeline each, legible, on the slide."""
    head = figure.locator("table.demo-compare th").all_inner_texts()
    assert head[:4] == ["interpreter", "GIL", "cell time", "÷ countdown-sequential"], head
    rows = figure.locator("table.demo-compare").evaluate(
        "t => [...t.querySelectorAll('tr')].slice(1).map(r => [...r.cells].map(c => c.textContent))")
    assert [row[0] for row in rows] == names
    assert {row[0]: row[1] for row in rows} == {name: "no" if name == jython else "yes" for name in names}
    for row in rows:  # threads ÷ sequential: the baseline's time on the same interpreter, from the same source
        assert re.fullmatch(r"\d+\.\d\d×", row[3]), row
    stacks = figure.locator(".demo-pair-timeline")
    assert [stacks.nth(i).get_attribute("data-interpreter") for i in range(stacks.count())] == names
    assert all(stacks.nth(i).locator("svg.timeline").count() == 1 for i in range(len(names)))
    # Jython's two threads (its JVM's own stay off the slide); PyPy's JIT may end its threads before a sample
    workers = {name: stacks.nth(i).locator(".timeline-row[data-role=worker]").count() for i, name in enumerate(names)}
    assert workers[jython] == 2 and all(workers[name] == 2 for name in names if name.startswith("cpython")), workers
    assert figure.locator(".demo-pair-timeline svg .tick-label").count() > 0  # one time axis, under the last
    assert stacks.nth(0).locator(".tick-label").count() == 0
    measured = page.evaluate(MEASURE, FIGURE)
    assert measured["texts"] > 10 and measured["smallest"] >= 14, measured
    assert measured["top"] >= -1 and measured["bottom"] <= 761, measured  # the whole slide fits the canvas


def test_the_slide_runs_countdown_threads_with_and_without_a_gil(page):  # noqa: F811
    jython, pypy = installed("jython"), installed("pypy")
    figure = go_to_the_slide(page)
    assert figure.locator("select.demo-python").input_value() == "gil"  # the slide's own option, chosen
    names = page.evaluate("fetch('api/cells').then(r => r.json()).then(j =>"
                          " j.cells.find(c => c.id === 'countdown-threads').compare_on.gil)")
    assert {jython, pypy} <= set(names) and any(name.startswith("cpython-2.7") for name in names)
    figure.locator("input[name=TOTAL_WORK]").fill(str(WORK))
    figure.locator(".demo-result").evaluate("out => { out.textContent = '' }")  # the recorded ones, gone
    figure.locator("button.demo-run").click()
    page.wait_for_function("sel => document.querySelector(sel + ' .demo-run').disabled === false &&"
                           " document.querySelectorAll(sel + ' .demo-pair-timeline').length > 0",
                           arg=FIGURE, timeout=300_000)
    assert figure.locator(".demo-error").count() == 0, figure.locator(".demo-error").all_inner_texts()
    check_the_comparison(page, figure, names, jython)
    page.screenshot(path=os.path.join(ARTIFACTS, "with-without-gil.png"))
    figure.locator("table.demo-compare tr", has_text=jython).click()  # one interpreter's details, live
    assert "live," in figure.locator(".demo-where").inner_text()
    assert not page.errors


@pytest.fixture(scope="module")
def recorded_site(tmp_path_factory):
    """The deck built with a results file of real runs made here: both cells on each interpreter of the
    slide's option, as `make record` would have them."""
    from demos import interpreters, manifest

    jython = installed("jython")
    installed("pypy")
    cell = manifest.cells_by_id(manifest.load())["countdown-threads"]
    names = interpreters.comparisons(cell, interpreters.find())["gil"]
    root = tmp_path_factory.mktemp("with-without-gil")
    runs = []
    for name in names:
        for cell_id in ("countdown-sequential", "countdown-threads"):
            done = subprocess.run([sys.executable, "-m", "demos", "run", cell_id, "--python", name, "--repeat", "1",
                                   "--param", f"TOTAL_WORK={WORK}", "--json"], cwd=ROOT, capture_output=True,
                                  text=True, check=True)
            runs.append(json.loads(done.stdout))
    save(str(root / "results" / "here.json"), runs[0]["machine"], runs)
    Builder(os.path.join(ROOT, "slides", "gil.md"), str(root / "site"), results_dir=str(root / "results")).build()
    return root / "site", names, jython, runs[0]["machine"]["name"]


def test_the_static_site_shows_the_recorded_runs_with_and_without_a_gil(browser, recorded_site):
    site, names, jython, machine = recorded_site
    page = watch_errors(browser.new_page(viewport={"width": 1280, "height": 800}))
    with static_server(site) as url:
        page.goto(url)
        page.wait_for_function("document.documentElement.dataset.demos === 'static'")
        figure = go_to_the_slide(page)
        assert figure.locator("select.demo-python").input_value() == f"gil@{machine}"  # the option, as recorded
        check_the_comparison(page, figure, names, jython)
        page.screenshot(path=os.path.join(ARTIFACTS, "static-with-without-gil.png"))
    page.close()
    assert page.errors == []


def test_a_side_by_side_option_keeps_the_interpreters_found_here():
    from demos import interpreters, manifest

    cell = manifest.cells_by_id(manifest.load())["countdown-threads"]
    jython = interpreters.resolve(installed("jython"))
    default = interpreters.resolve()
    # no 2.7, PyPy or free-threaded build among these: the option still compares the two it has
    assert interpreters.comparisons(cell, [default, jython])["gil"] == [default["name"], jython["name"]]
    assert "gil" not in interpreters.comparisons(cell, [default])
