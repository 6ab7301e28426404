"""Build times of the full deck: a cold `python build.py`, and a rebuild after a one-line edit (as --watch does)."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from deck.build import Builder
from tests.conftest import ROOT


def spread(values):
    return (f"median {statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f}, "
            f"max {max(values) * 1000:.0f}, n={len(values)})")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        cold = []
        for i in range(7):
            started = time.perf_counter()
            subprocess.run([sys.executable, "build.py", "--out", os.path.join(tmp, "site")], cwd=ROOT, check=True,
                           capture_output=True)
            cold.append(time.perf_counter() - started)
        print(f"  cold build of the full deck (fresh process): {spread(cold)}   target <= 300 ms")

        deck = os.path.join(ROOT, "slides", "gil_bench_copy.md")
        shutil.copy(os.path.join(ROOT, "slides", "gil.md"), deck)  # beside the original: same images
        try:
            builder = Builder(deck, os.path.join(tmp, "site"))
            builder.build()
            lines = open(deck).read().split("\n")
            target = next(i for i, line in enumerate(lines) if "Talk About GIL Now" in line)
            original, rebuild = lines[target], []
            for i in range(20):
                lines[target] = f"{original} (edit {i})"
                with open(deck, "w") as f:
                    f.write("\n".join(lines))
                started = time.perf_counter()
                builder.build(dirty=True)
                rebuild.append(time.perf_counter() - started)
        finally:
            os.unlink(deck)
        print(f"  rebuild after a one-line edit (in-process, --watch): {spread(rebuild)}   target <= 50 ms")
