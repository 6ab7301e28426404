"""`python build.py --watch`: an edit to the deck is rebuilt and pushed to open pages, which reload on the same slide."""
import contextlib
import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT

DECK = """---
title: Watched
---
# One

---

# Two

Euler: $e^{i\\pi} = -1$

```python
print("two")
```

---

# Three
"""


class Watcher:
    """`build.py --watch` in a subprocess: its URL, and its output line by line."""

    def __init__(self, deck, out):
        self.proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "build.py"), "--deck", str(deck),
                                      "--out", str(out), "--watch", "--port", "0"], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.proc.stdout], daemon=True).start()
        self.url = re.search(r"serving (http://\S+/)", self.expect("serving")).group(1)

    def expect(self, text, timeout=30):
        """The next output line holding text (earlier lines are skipped)."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"--watch never printed {text!r}") from None
            if text in line:
                return line

    def stop(self):
        self.proc.send_signal(signal.SIGINT)  # as Ctrl-C: it closes its KaTeX process and leaves
        try:
            assert self.proc.wait(timeout=15) == 0
        finally:
            self.proc.kill()
            self.proc.stdout.close()


@pytest.fixture
def watched(tmp_path):
    deck = tmp_path / "deck.md"
    deck.write_text(DECK)
    watcher = Watcher(deck, tmp_path / "site")
    yield deck, watcher
    watcher.stop()


@contextlib.contextmanager
def events(url):
    """The watch server's event stream: a function that returns the next (event, data)."""
    parts = urlparse(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", "/_watch")
    answer = connection.getresponse()
    assert answer.status == 200 and answer.getheader("Content-Type") == "text/event-stream"

    def next_event():
        event, data = None, []
        while True:
            line = answer.fp.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif not line and event:
                return event, "\n".join(data)

    try:
        yield next_event
    finally:
        connection.close()


def edit(deck, old, new):
    deck.write_text(deck.read_text().replace(old, new, 1))


def test_an_edit_is_rebuilt_and_pushed_and_a_mistake_keeps_the_last_site(watched):
    deck, watcher = watched
    with events(watcher.url) as next_event:
        event, first = next_event()
        assert event == "build"  # the build the page was made by, at once
        edit(deck, "# Two", "# Two, edited")
        assert re.search(r"rebuilt in \d+ ms", watcher.expect("rebuilt in"))
        assert next_event() == ("build", str(int(first) + 1))
        page = http.client.HTTPConnection(urlparse(watcher.url).hostname, urlparse(watcher.url).port, timeout=30)
        page.request("GET", "/index.html")
        answer = page.getresponse()
        html = answer.read().decode()
        page.close()
        assert "<h1>Two, edited</h1>" in html and answer.getheader("Cache-Control") == "no-store"

        edit(deck, "$e^{i\\pi} = -1$", "$e^{i\\pi = -1$")  # a TeX mistake on line 10
        message = watcher.expect(f"{deck}:10: ")
        assert "KaTeX parse error" in message
        event, data = next_event()
        assert event == "failed" and data.startswith(f"{deck}:10: KaTeX parse error")
        assert "<h1>Two, edited</h1>" in (deck.parent / "site" / "index.html").read_text()  # the last good site


@pytest.mark.browser
def test_the_open_page_reloads_on_the_same_slide(watched, browser):
    deck, watcher = watched
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(watcher.url + "#/1")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.locator("section.present h1").text_content() == "Two"
    with page.expect_navigation():  # the reload the watch server's event causes
        edit(deck, "# Two", "# Two, edited")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.locator("section.present h1").text_content() == "Two, edited"
    assert page.evaluate("Reveal.getIndices().h") == 1
    assert page.locator("section.present .katex").count() == 1
    page.close()
    assert errors == []
