"""The presenter token in real Chromium: `?token=` becomes an HttpOnly cookie, leaves the address bar, and Run works."""
import secrets

import pytest

from server.guard import COOKIE
from tests.conftest import watch_errors
from tests.live_server import live_server
from tests.test_live_browser import go_to_cell

pytestmark = pytest.mark.browser
TOKEN = secrets.token_urlsafe(16)


@pytest.fixture(scope="module")
def server():
    with live_server("--token", TOKEN) as url:  # serves site/, which `make test` builds first
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # its own cookie jar
    page = watch_errors(context.new_page())
    yield page
    context.close()


def press_run(page, cell):
    page.wait_for_function("document.documentElement.dataset.demos === 'live'")
    go_to_cell(page, cell)
    figure = page.locator(f"#cell-{cell}")
    figure.locator("input[name=TOTAL_WORK]").fill("100000")
    figure.locator("button.demo-run").click()
    return figure


def test_the_url_token_becomes_an_httponly_cookie_and_run_works(page, server):
    page.goto(f"{server}/?token={TOKEN}&lang=en#/2")
    page.wait_for_function("document.documentElement.dataset.demos === 'live'")
    # the token left the address bar (a redirect leaves no history entry); the rest of the URL, slide included, stays
    assert page.url.startswith(f"{server}/?lang=en#/") and page.evaluate("Reveal.getIndices().h") == 2
    assert page.evaluate("document.cookie") == ""  # HttpOnly: scripts on the page cannot read it
    [cookie] = page.context.cookies()
    assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (COOKIE, True, "Strict", "/")
    assert TOKEN not in cookie["value"]
    figure = press_run(page, "countdown-sequential")
    page.wait_for_function("(document.querySelector('#cell-countdown-sequential .demo-where') || {}).textContent"
                           "?.includes('live,')", timeout=60_000)
    assert "cell " in figure.locator(".demo-stats").inner_text()
    assert not page.errors


def test_without_the_token_run_says_what_is_missing(page, server):
    answer = page.goto(f"{server}/?token=not-{TOKEN}")
    assert answer.status == 403 and "presenter token" in answer.json()["error"] and not page.context.cookies()
    page.goto(f"{server}/")
    figure = press_run(page, "countdown-sequential")
    error = figure.locator(".demo-error")
    error.wait_for()
    assert "presenter token" in error.inner_text()
