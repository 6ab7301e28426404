"""The static site in Chromium: first slide ours vs reveal-md's output of the same deck, Pyodide, the site's size."""
import os
import statistics
import tempfile
import time
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

from deck.browser import CHROMIUM_ARGS, chromium_path, static_server
from demos.paths import SITE
from tests.bench._reveal_md import build_static

ROUNDS = 5
# Both pages count the same moment: the first frame in which reveal.js is ready and its present slide has a size.
FIRST_SLIDE = """(() => {
  const check = () => {
    const slide = document.querySelector(".reveal.ready .slides section.present");
    if (slide && slide.getBoundingClientRect().height > 0) window.__firstSlide = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();"""


def size_mb(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files) / 2**20


def first_slide(browser, url):
    """Seconds from navigation to the first slide on screen, with a cold cache; requests to other hosts
    (reveal-md's page asks a CDN for KaTeX) are aborted, and counted."""
    context = browser.new_context()
    outside = []

    def guard(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    context.add_init_script(FIRST_SLIDE)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.__firstSlide !== undefined", timeout=60_000)
    seconds = page.evaluate("window.__firstSlide") / 1000
    context.close()
    return seconds, len(outside)


def pyodide_run(browser, url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("document.documentElement.dataset.demos === 'static'")
    page.evaluate("document.getElementById('cell-countdown-sequential').querySelector('input').value = 1000")
    started = time.perf_counter()
    page.evaluate("document.querySelector('#cell-countdown-sequential button.demo-run').click()")
    page.wait_for_function("(document.querySelector('#cell-countdown-sequential .demo-where') || {})"
                           ".textContent?.includes('Pyodide')", timeout=120_000)
    context.close()
    return time.perf_counter() - started


def spread(values):
    return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"


def main():
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        build_static(os.path.join(tmp, "reveal-md"))
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        with static_server(SITE) as ours_url, static_server(os.path.join(tmp, "reveal-md")) as theirs_url:
            ours, theirs, aborted = [], [], {"ours": 0, "reveal-md": 0}
            for _ in range(ROUNDS):  # alternated: both see the same machine
                seconds, outside = first_slide(browser, ours_url)
                ours.append(seconds)
                aborted["ours"] += outside
                seconds, outside = first_slide(browser, theirs_url)
                theirs.append(seconds)
                aborted["reveal-md"] += outside
            pyodide = [pyodide_run(browser, ours_url) for _ in range(ROUNDS)]
        browser.close()
    print(f"  first slide visible, cold cache, local static server: ours {spread(ours)}")
    print(f"  the same for reveal-md --static of the same deck: {spread(theirs)}")
    print(f"  ratio ours / reveal-md: {statistics.median(ours) / statistics.median(theirs):.2f}x   goal <= 0.5x   "
          f"(requests to other hosts aborted: ours {aborted['ours']}, reveal-md {aborted['reveal-md']})")
    print(f"  time from Run to a Pyodide result (cold): {spread(pyodide)}")
    total, py = size_mb(SITE), size_mb(os.path.join(SITE, "pyodide"))
    print(f"  site size: {total:.1f} MB with Pyodide and SymPy wheels, {total - py:.1f} MB without")
