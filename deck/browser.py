"""Debian's Chromium under Playwright, for the PDF export and the browser tests.

Playwright cannot download its own browser here, so it drives /usr/bin/chromium;
the flags keep it from reaching for any other host.
"""
import contextlib
import functools
import http.server
import shutil
import threading

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path():
    return shutil.which("chromium") or shutil.which("chromium-browser")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except ConnectionError:
            pass  # the page was closed while it still loaded something: nothing to report


@contextlib.contextmanager
def static_server(folder, port=0, handler=QuietHandler):
    """A plain static web server for a folder on loopback (a free port by default): its URL, while the block runs."""
    handler = functools.partial(handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
