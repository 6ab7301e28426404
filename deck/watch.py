"""`python build.py --watch`: serve the site, rebuild when the deck, its images, template, assets or results
change (watchfiles), and push each finished build to open pages (server-sent events), which reload on the
same slide."""
import functools
import os
import signal
import threading
import time

import watchfiles

from deck.browser import QuietHandler, static_server
from deck.errors import BuildError, DeckError
from demos.paths import ASSETS, SLIDES

EVENTS = "/_watch"  # the page's EventSource (slides/template.html.j2)
KEEP_ALIVE_S = 15


class Builds:
    """The latest build, as an event for the pages: ("build", its number) or ("failed", the error)."""

    def __init__(self, number):
        self.condition = threading.Condition()
        self.event, self.version = ("build", str(number)), 0

    def publish(self, event, data):
        with self.condition:
            self.event, self.version = (event, data), self.version + 1
            self.condition.notify_all()

    def wait(self, seen, timeout):
        """(version, event) once the version is another than seen, or as they are after timeout seconds."""
        with self.condition:
            self.condition.wait_for(lambda: self.version != seen, timeout)
            return self.version, self.event


class WatchHandler(QuietHandler):
    """The site, and EVENTS: the latest build at once, then every new one.

    Nothing is kept in the browser's cache: a rebuild in the same second as the last one has the same
    Last-Modified, which would make a reload show the page it replaces."""

    def __init__(self, *args, builds, **kwargs):
        self.builds = builds
        super().__init__(*args, **kwargs)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        if self.path != EVENTS:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = None
        while True:  # until the page goes away (QuietHandler ends quietly then)
            version, (event, data) = self.builds.wait(seen, KEEP_ALIVE_S)
            if version == seen:
                self.wfile.write(b": still watching\n\n")
            else:
                lines = "".join(f"data: {line}\n" for line in data.split("\n"))
                self.wfile.write(f"event: {event}\n{lines}\n".encode())
                seen = version
            self.wfile.flush()


def rebuild(builder, builds, changes):
    """Only the pages, or the whole site when assets changed (they are copied into it)."""
    assets = any(path.startswith(ASSETS + os.sep) for _, path in changes)
    started = time.perf_counter()
    try:
        builder.build(dirty=not assets)
    except (DeckError, BuildError) as error:
        print(error, flush=True)  # the last good site stays up
        builds.publish("failed", str(error))
        return
    print(f"rebuilt in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
    builds.publish("build", str(builder.generation))


def watch(builder, port):
    # Ctrl-C stops it, even when started from a shell that ignores SIGINT in background jobs (as
    # non-interactive shells do): Python keeps an inherited SIG_IGN, and watchfiles would never see it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    builds = Builds(builder.generation)
    paths = [path for path in (builder.deck, SLIDES, builder.results_dir) if os.path.exists(path)]
    with static_server(os.path.abspath(builder.out), port, functools.partial(WatchHandler, builds=builds)) as url:
        print(f"watching {', '.join(paths)}; serving {url} (Ctrl-C stops)", flush=True)
        try:
            for changes in watchfiles.watch(*paths, step=20, raise_interrupt=False):
                rebuild(builder, builds, changes)
        finally:
            builder.katex.close()
