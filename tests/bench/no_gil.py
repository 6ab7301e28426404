"""Threads ÷ sequential with and without a GIL: CPython 3.x and 2.7, PyPy, Jython, and the C pthreads ceiling, interleaved.

Each round runs countdown-sequential then countdown-threads (the slides' cells, through the real runner) on
every interpreter found, then the native extension's countdown in one thread then two (two C threads doing
the same work as one: the most two threads can gain on this machine right now). Interpreters run the work
size that takes each about half a second sequentially (PyPy's JIT is as fast as the cell allows).
BENCH_ROUNDS=n sets the number of rounds (default 5).
"""
import os
import statistics
import time

from demos import interpreters
from tests.bench.gil_ratios import cell_s, machine_busy_s, our_cpu_s, spread

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
# (selector, label, TOTAL_WORK): the venv's CPython is "3"
PYTHONS = [(None, "CPython 3.x (new GIL)", 20_000_000), ("cpython-2.7", "CPython 2.7 (old GIL)", 20_000_000),
           ("pypy", "PyPy (a GIL, a JIT)", 100_000_000), ("jython", "Jython (no GIL)", 100_000_000)]


def found():
    """The interpreters of PYTHONS this host has, each as (path, label, work); the missing ones said."""
    rows = []
    for selector, label, work in PYTHONS:
        try:
            interp = interpreters.resolve(selector)
        except LookupError:
            print(f"  {label}: not installed here (make install as root adds Debian's jython and pypy3)")
            continue
        rows.append((interp["name"], f"{label}, {interp['name']}", work))
    return rows


def main():
    started, busy, ours = time.time(), machine_busy_s(), our_cpu_s()
    rows = found()
    ratios = {label: [] for _, label, _ in rows}
    runnable = {label: [] for _, label, _ in rows}
    overlap = {label: [] for _, label, _ in rows}
    ceiling, ceiling_runnable = [], []
    for _ in range(ROUNDS):  # interleaved, so drift on a shared machine hits every row alike
        for python, label, work in rows:
            sequential = cell_s("countdown-sequential", python, TOTAL_WORK=work)
            threads = cell_s("countdown-threads", python, TOTAL_WORK=work)
            ratios[label].append(threads["cell_s"] / sequential["cell_s"])
            runnable[label].append(threads["timeline"]["runnable"])
            overlap[label].append(threads["timeline"]["overlap"])
        one, two = cell_s("native-sequential"), cell_s("native-threads")
        ceiling.append(two["cell_s"] / one["cell_s"])
        ceiling_runnable.append(two["timeline"]["runnable"])
    print("  threads ÷ sequential, cell time (1.0: no gain; 0.5: two cores fully used):")
    for _, label, work in rows:
        print(f"    {label:45} {spread(ratios[label])}   TOTAL_WORK={work:,}")
        print(f"      threaded run: threads wanting a CPU {statistics.median(runnable[label]):.2f}, "
              f"two on CPU at once {statistics.median(overlap[label]):.0%} of the time (medians)")
    print(f"    {'C pthreads ceiling (native extension, 2 vs 1)':45} {spread(ceiling)}")
    print(f"      threaded run: threads wanting a CPU {statistics.median(ceiling_runnable):.2f} (median)")
    others = (machine_busy_s() - busy) - (our_cpu_s() - ours)
    print(f"  other work on this machine meanwhile: {others / (time.time() - started):.2f} of {os.cpu_count()} cores "
          "on average (it lowers the parallel figures, the ceiling as much as the rest)")
