"""`python build.py --watch`: serve site/, rebuild when the deck, its images, template or assets change."""
import os
import time

from deck.browser import static_server
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


def watch(builder, port, interval=0.2):
    with static_server(os.path.abspath(builder.out), port) as url:
        print(f"watching {builder.deck} and {SLIDES}/; serving {url} (Ctrl-C stops)")
        try:
            poll(builder, interval)
        except KeyboardInterrupt:
            pass


def poll(builder, interval):
    """Rebuild on every change: only the pages, or everything when assets changed."""
    watched = [builder.deck, SLIDES, builder.results_dir]
    last = snapshot(watched)
    while True:
        time.sleep(interval)
        now = snapshot(watched)
        if now == last:
            continue
        changed = {path for path in set(now) | set(last) if now.get(path) != last.get(path)}
        assets = any(path.startswith(os.path.join(SLIDES, "assets")) for path in changed)
        last = now
        started = time.perf_counter()
        try:
            builder.build(dirty=not assets)
            print(f"rebuilt in {(time.perf_counter() - started) * 1000:.0f} ms")
        except (DeckError, BuildError) as error:
            print(error)  # the last good site stays up
