"""`python build.py --watch`: serve site/, rebuild when the deck, its images, template or assets change."""
import functools
import http.server
import os
import threading
import time

from deck.build import SLIDES, BuildError
from deck.errors import DeckError


def snapshot(paths):
    """mtime of every file under the watched paths."""
    seen = {}
    for path in paths:
        for dirpath, _, files in os.walk(path) if os.path.isdir(path) else [(os.path.dirname(path), [], [os.path.basename(path)])]:
            for name in files:
                full = os.path.join(dirpath, name)
                try:
                    seen[full] = os.stat(full).st_mtime_ns
                except OSError:
                    pass
    return seen


def serve(site, port):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=os.path.abspath(site))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch(builder, port, interval=0.2):
    serve(builder.out, port)
    print(f"watching {builder.deck} and {SLIDES}/; serving http://127.0.0.1:{port}/ (Ctrl-C stops)")
    watched = [builder.deck, SLIDES, builder.results_dir]
    last = snapshot(watched)
    try:
        while True:
            time.sleep(interval)
            now = snapshot(watched)
            if now == last:
                continue
            assets = any(p.startswith(os.path.join(SLIDES, "assets")) for p in set(now) ^ set(last) |
                         {p for p in now if last.get(p) != now[p]})
            last = now
            started = time.perf_counter()
            try:
                builder.build(dirty=not assets)
                print(f"rebuilt in {(time.perf_counter() - started) * 1000:.0f} ms")
            except (DeckError, BuildError) as error:
                print(error)  # the last good site stays up
    except KeyboardInterrupt:
        pass
