import os

import pytest

from deck.browser import CHROMIUM_ARGS, chromium_path
from demos import interpreters
from demos.paths import ROOT
ARTIFACTS = os.path.join(ROOT, "test-artifacts")  # screenshots the browser tests leave to look at (gitignored)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Skipped only outside CI; in CI a missing browser fails."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: browser tests cannot run (make test installs it as root)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def installed(selector):
    """The name of an interpreter this host has (`jython`, `pypy`). Skipped only outside CI; in CI a missing
    one fails (make install puts Debian's jython and pypy3 in as root)."""
    try:
        return interpreters.resolve(selector)["name"]
    except LookupError:
        message = f"no {selector} interpreter here: `make install` as root (or apt-get install jython pypy3)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def watch_errors(page):
    """The page, with `page.errors`: every console error and uncaught exception it reports from now on."""
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page
