"""The built deck in real Chromium: every slide and fragment to the end, nothing failing, nothing from another host."""
import os
import zlib
from urllib.parse import urlparse

import pytest

from deck.browser import static_server
from tests.conftest import ARTIFACTS, ROOT

pytestmark = pytest.mark.browser


def distinct_colours(png):
    """How many distinct pixel rows a PNG has: a blank page has one (decoded with zlib, no image library)."""
    data = png[8:]
    chunks, i = b"", 0
    width = int.from_bytes(png[16:20], "big")
    while i < len(data):
        length = int.from_bytes(data[i:i + 4], "big")
        if data[i + 4:i + 8] == b"IDAT":
            chunks += data[i + 8:i + 8 + length]
        i += 12 + length
    raw = zlib.decompress(chunks)
    stride = 1 + width * 3  # RGB, one filter byte per row (Chromium's screenshots)
    return len({raw[r + 1:r + stride] for r in range(0, len(raw), stride)})


def test_walk_every_slide_and_fragment(browser, tmp_path):
    from deck.build import build
    build(os.path.join(ROOT, "slides", "gil.md"), str(tmp_path / "site"))
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors, failed, outside = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))

    def guard(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    with static_server(tmp_path / "site") as url:
        page.goto(url)
        page.wait_for_function("window.Reveal && Reveal.isReady() && document.documentElement.dataset.demos")
        total = page.evaluate("Reveal.getTotalSlides()")
        steps, slides = 0, set()
        while True:
            slides.add(page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v].join()"))
            if page.evaluate("Reveal.isLastSlide() && !Reveal.availableFragments().next"):
                break
            page.evaluate("Reveal.next()")
            steps += 1
            assert steps < 1000
        page.evaluate("Reveal.slide(0)")
        png = page.screenshot(path=os.path.join(ARTIFACTS, "deck-first-slide.png"))
    assert len(slides) == total and steps > total  # every slide, and the fragments in between
    assert distinct_colours(png) > 20
    assert errors == [] and failed == [] and outside == []
    context.close()
