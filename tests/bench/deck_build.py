"""Build times: a cold `python build.py` against reveal-md's `--static` of the same deck, and rebuilds as --watch does."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from deck.build import Builder
from demos.paths import CACHE, DECK, ROOT, SLIDES
from tests.bench._reveal_md import build_static

ROUNDS = 7
CACHES = [os.path.join(CACHE, kind) for kind in ("katex", "pygments")]  # what builds keep for later builds


def spread(values):
    return (f"median {statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f}, "
            f"max {max(values) * 1000:.0f}, n={len(values)})")


def timed(run):
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def ours(out, empty_caches=False):
    if empty_caches:
        for folder in CACHES:
            shutil.rmtree(folder, ignore_errors=True)
    return timed(lambda: subprocess.run([sys.executable, "build.py", "--out", out], cwd=ROOT, check=True,
                                        capture_output=True))


def rebuilds(builder, deck, find, edit, rounds=20):
    """In-process rebuilds, each after a one-line edit of the line holding find."""
    lines = open(deck).read().split("\n")
    target = next(i for i, line in enumerate(lines) if find in line)
    original, times = lines[target], []
    for i in range(rounds):
        lines[target] = edit(original, i)
        with open(deck, "w") as f:
            f.write("\n".join(lines))
        times.append(timed(lambda: builder.build(dirty=True)))
    return times


def main():
    with tempfile.TemporaryDirectory() as tmp:
        site, theirs = os.path.join(tmp, "site"), os.path.join(tmp, "reveal-md")
        ours(site)  # the caches as any earlier build leaves them
        mine, anchor, empty = [], [], []
        for _ in range(ROUNDS):  # alternated, so both see the same machine
            mine.append(ours(site))
            anchor.append(timed(lambda: build_static(theirs)))
            empty.append(ours(site, empty_caches=True))
        print(f"  cold build, fresh process: ours {spread(mine)}")
        print(f"  cold build, fresh process, empty math and highlight caches: ours {spread(empty)}")
        print(f"  reveal-md --static of the same deck: {spread(anchor)}")
        print(f"  ratio ours / reveal-md: {statistics.median(mine) / statistics.median(anchor):.2f}x "
              f"(empty caches: {statistics.median(empty) / statistics.median(anchor):.2f}x)   goal <= 0.4x")

        deck = os.path.join(SLIDES, "gil_bench_copy.md")
        shutil.copy(DECK, deck)  # beside the original: same images
        builder = Builder(deck, site, watch=True)  # as --watch: KaTeX's Node process stays up
        try:
            builder.build()
            text = rebuilds(builder, deck, "Talk About GIL Now", lambda line, i: f"{line} (edit {i})")
            fresh = lambda line, i: line.replace("\\frac{\\pi}{2}", f"\\frac{{\\pi}}{{{os.getpid()}{i:02d}}}")  # not cached
            math = rebuilds(builder, deck, "\\mathbb{Z}", fresh)
        finally:
            builder.katex.close()
            os.unlink(deck)
        print(f"  rebuild after a one-line edit (in-process, --watch): {spread(text)}   target <= 50 ms")
        print(f"  rebuild after a one-line edit of a formula (new TeX for KaTeX each time): {spread(math)}")
