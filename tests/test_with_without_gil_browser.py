"""The "with and without a GIL" slide in real Chromium: countdown-threads on every kind of Python here."""
import os

import pytest

from tests.conftest import ARTIFACTS, installed
from tests.live_server import live_server
from tests.test_live_browser import page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
FIGURE = "#cell-countdown-threads-again-gil"


def table(figure):
    return figure.locator("table.demo-compare").evaluate(
        "t => [...t.querySelectorAll('tr')].slice(1).map(r => [...r.cells].map(c => c.textContent))")


def test_the_slide_runs_countdown_threads_with_and_without_a_gil(page):  # noqa: F811
    jython, pypy = installed("jython"), installed("pypy")
    page.evaluate("sel => { const s = document.querySelector(sel).closest('section');"
                  " const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v); }", FIGURE)
    figure = page.locator(FIGURE)
    assert figure.locator("select.demo-python").input_value() == "gil"  # the slide's own option, chosen
    figure.locator("input[name=TOTAL_WORK]").fill("3000000")
    figure.locator("button.demo-run").click()
    page.wait_for_function("sel => document.querySelectorAll(sel + ' .demo-pair-timeline').length >= 4",
                           arg=FIGURE, timeout=300_000)
    rows = {row[0]: row for row in table(figure)}
    assert {jython, pypy} <= set(rows) and any(name.startswith("cpython-2.7") for name in rows)
    assert rows[jython][1] == "no" and rows[pypy][1] == "yes"  # the GIL column
    for row in rows.values():
        assert row[3].endswith("×")  # threads ÷ sequential, from this run's own baseline on that interpreter
    stacks = figure.locator(".demo-pair-timeline")
    assert sorted(stacks.nth(i).get_attribute("data-interpreter") for i in range(stacks.count())) == sorted(rows)
    page.screenshot(path=os.path.join(ARTIFACTS, "with-without-gil.png"))
    assert not page.errors


def test_a_side_by_side_option_keeps_the_interpreters_found_here():
    from demos import interpreters, manifest

    cell = manifest.cells_by_id(manifest.load())["countdown-threads"]
    jython = interpreters.resolve(installed("jython"))
    default = interpreters.resolve()
    # no 2.7, PyPy or free-threaded build among these: the option still compares the two it has
    assert interpreters.comparisons(cell, [default, jython])["gil"] == [default["name"], jython["name"]]
    assert "gil" not in interpreters.comparisons(cell, [default])
