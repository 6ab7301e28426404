"""Claims in real Chromium: the browser's evaluation (claims.js) agrees with the build's (demos/claims.py),
and a live Run re-evaluates the verdicts on its slide, side-by-side runs included."""
import json
import os

import pytest

from deck.browser import static_server
from deck.build import Builder
from demos.results import for_browser, load
from demos import claims
from tests.conftest import ARTIFACTS, ROOT
from tests.live_server import live_server
from tests.test_claims import CELLS, parse, result
from tests.test_live_browser import go_to_cell, open_deck

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def static_page(browser, tmp_path_factory):
    out = tmp_path_factory.mktemp("claims") / "site"
    Builder(os.path.join(ROOT, "slides", "gil.md"), str(out), results_dir=os.path.join(ROOT, "results")).build()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    with static_server(out) as url:
        page.goto(url)
        page.wait_for_function("document.documentElement.dataset.demos === 'static'")
        yield page
    page.close()


def in_browser(page, claim, results):
    return page.evaluate("""([claim, results]) => { const o = GilClaims.evaluate(claim, results);
        return [o.verdict, o.value, GilClaims.sentence(claim, o), GilClaims.verdictText(claim, o),
                GilClaims.unitTexts(claim, o)]; }""",
                         [json.loads(json.dumps(claim)), results])


def in_python(claim, results):
    outcome = claims.evaluate(claim, results)
    return [outcome["verdict"], outcome["value"], claims.sentence(claim, outcome), claims.verdict_text(claim, outcome),
            claims.unit_texts(claim, outcome)]


def test_the_browser_evaluates_every_claim_of_the_deck_as_the_build_did(static_page):
    recorded = for_browser(load(os.path.join(ROOT, "results")))["results"]
    deck_claims = static_page.evaluate("GIL_CELLS.claims")
    assert len(deck_claims) >= 20
    for claim in deck_claims:
        python_claim = claims.parse(claim["source"], CELLS)
        assert in_browser(static_page, python_claim, recorded) == in_python(python_claim, recorded), claim["source"]
    rendered = static_page.evaluate("[...document.querySelectorAll('.claim')].map(c => c.dataset.verdict)")
    assert len(rendered) >= 20 and "fails" not in rendered


CASES = [  # (claim, results): verdicts of every kind, counts, pins, parameters, interpreters compared
    ("countdown-threads / countdown-sequential >= 1.3 on cpython-2.7",
     [result("countdown-threads", "2.7", 0.14), result("countdown-sequential", "2.7", 0.13)]),
    ("countdown-sequential / countdown-threads <= 1.3 on cpython>=3.2",
     [result("countdown-threads", "3.11", 0.2), result("countdown-sequential", "3.11", 0.21),
      result("countdown-threads", "3.13t", 0.1), result("countdown-sequential", "3.13t", 0.19)]),
    ("refcount-race.final != 0 in 4 of 5 runs",
     [result("refcount-race", "3.11", 0.02, runs=[{"status": "ok", "values": {"final": v}} for v in (1, -2, 0, 0, 5)])]),
    ("(convoy.beside_thread - convoy.alone) / (convoy.INTERVAL * 1e6) >= 0.8",
     [result("convoy", "3.11", 1.2, values={"alone": 221.4, "beside_thread": 5270.5})]),
    ("countdown-threads[cpython-2.7].switches / countdown-threads[cpython>=3.2].switches >= 10",
     [result("countdown-threads", "2.7", 0.25, voluntary_ctxt=11297), result("countdown-threads", "3.11", 0.2,
                                                                              voluntary_ctxt=94),
      result("countdown-threads", "3.13t", 0.1, voluntary_ctxt=2000)]),
    ("switch-interval[INTERVAL=0.0001].switches / switch-interval[INTERVAL=0.02].switches >= 10",
     [result("switch-interval", "3.11", 0.2, params={"INTERVAL": x, "TOTAL_WORK": 10000000}, voluntary_ctxt=n)
      for x, n in ((0.0001, 1234), (0.005, 90), (0.02, 31))]),
    ("countdown-threads / countdown-sequential >= 1.3", [result("countdown-threads", "2.7", 0.26)]),
    ("convoy.beside_process / convoy.alone <= 1.1",  # a sweep: the parameter tells the evaluations apart
     [result("convoy", "3.11", 1.2, params={"TRIPS": 200, "INTERVAL": x}, values={"alone": 180, "beside_process": p})
      for x, p in ((0.0001, 190), (0.005, 185.5), (0.02, 250))]
     + [result("convoy", "2.7", 0.2, machine="laptop", values={"alone": 180, "beside_process": 170})]),
]


@pytest.mark.parametrize("text, results", CASES, ids=["fails", "each-interpreter", "count", "params-values",
                                                      "interpreters-compared", "pinned-sweep", "unmeasured",
                                                      "sweep-and-machines"])
def test_the_browser_and_python_agree(static_page, text, results):
    assert in_browser(static_page, parse(text), results) == in_python(parse(text), results)


@pytest.fixture(scope="module")
def live_page(browser):
    with live_server() as url:  # serves site/, which `make test` builds first
        page = open_deck(browser, url)
        yield page
        page.close()


def claim_on(page, cell):
    """The first claim on the slide of `cell`: [verdict, sentence, detail]."""
    return page.evaluate("""id => { const c = document.getElementById('cell-' + id).closest('section')
        .querySelector('.claim'); return [c.dataset.verdict, c.querySelector('.claim-sentence').textContent,
        c.querySelector('.claim-detail').textContent]; }""", cell)


def run_live(page, cell):
    go_to_cell(page, cell)
    figure = page.locator(f"#cell-{cell}")
    figure.locator(".demo-result").evaluate("out => { out.textContent = '' }")
    figure.locator("button.demo-run").click()
    page.wait_for_function("id => (document.querySelector('#cell-' + id + ' .demo-where') || {})"
                           ".textContent?.includes('live,')", arg=cell, timeout=120_000)


def test_a_live_run_re_evaluates_the_verdict_on_its_slide(live_page):
    # cpp-sequential / cpp-threads >= 1.6: both cells run here, so the claim is measured on this machine
    page = live_page
    before = claim_on(page, "cpp-sequential")
    run_live(page, "cpp-threads")
    run_live(page, "cpp-sequential")
    verdict, sentence, detail = claim_on(page, "cpp-sequential")
    assert "live run on" in detail and "live run on" not in before[2]
    assert verdict in ("holds", "fails") and "?" not in sentence  # measured now: by this run
    page.screenshot(path=os.path.join(ARTIFACTS, "claim-after-live-run.png"))
    assert not page.errors


def test_a_side_by_side_run_re_evaluates_the_claim_for_both_interpreters(live_page):
    page = live_page
    go_to_cell(page, "uninterruptible")
    figure = page.locator("#cell-uninterruptible")
    figure.locator("select.demo-python").select_option("old-new")
    figure.locator("input[name=N]").fill("5000000")
    figure.locator("button.demo-run").click()
    page.wait_for_function("document.querySelector('#cell-uninterruptible table.demo-compare')", timeout=120_000)
    names = figure.locator("table.demo-compare td:first-child").all_inner_texts()
    verdict, sentence, detail = claim_on(page, "uninterruptible")
    assert verdict in ("holds", "fails") and "live run on" in detail
    assert all(name + ":" in detail for name in names), detail  # one value per interpreter shown
    page.screenshot(path=os.path.join(ARTIFACTS, "claim-after-side-by-side-run.png"))
    assert not page.errors
