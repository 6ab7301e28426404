"""The static site in Chromium: time to first slide, time to Pyodide ready, and the site's size."""
import os
import statistics
import time

from playwright.sync_api import sync_playwright

from deck.browser import CHROMIUM_ARGS, chromium_path, static_server
from tests.conftest import ROOT

SITE = os.path.join(ROOT, "site")
ROUNDS = 5


def size_mb(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files) / 2**20


def main():
    with static_server(SITE) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        first, pyodide = [], []
        for _ in range(ROUNDS):
            context = browser.new_context()  # a cold cache each time
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url)
            page.wait_for_function("Reveal.isReady() && document.querySelector('.reveal .slides section.present')")
            first.append(time.perf_counter() - started)
            page.evaluate("document.getElementById('cell-countdown-sequential').querySelector('input').value = 1000")
            started = time.perf_counter()
            page.evaluate("document.querySelector('#cell-countdown-sequential button.demo-run').click()")
            page.wait_for_function("(document.querySelector('#cell-countdown-sequential .demo-where') || {})"
                                   ".textContent?.includes('Pyodide')", timeout=120_000)
            pyodide.append(time.perf_counter() - started)
            context.close()
        browser.close()
    print(f"  time to first slide from a local static server: median {statistics.median(first):.2f} s "
          f"(min {min(first):.2f}, max {max(first):.2f}, n={ROUNDS})   target <= 1 s")
    print(f"  time from Run to a Pyodide result (cold): median {statistics.median(pyodide):.2f} s "
          f"(min {min(pyodide):.2f}, max {max(pyodide):.2f})")
    total, py = size_mb(SITE), size_mb(os.path.join(SITE, "pyodide"))
    print(f"  site size: {total:.1f} MB with Pyodide and SymPy wheels, {total - py:.1f} MB without")
