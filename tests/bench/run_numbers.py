"""Run → numbers with a standby interpreter vs a cold start vs a bare `python -c pass`; cell time with and without; results size per machine.

Run → numbers overhead is the wall time of run_cell (what the server's worker and the CLI wait for) minus
the cell's own timed region, for an empty cell; rounds interleave a bare `python -c pass`, a cold run (no
standby waiting) and a run through a standby (started after an unmeasured run, and ready). Cell time takes
a real cell the same way, cold and through a standby, alternated. BENCH_ROUNDS=n sets the rounds (default 7).
"""
import glob
import os
import statistics
import subprocess
import sys
import time

from demos import interpreters, manifest, paths, standby
from demos.request import check_request
from demos.runner import run_cell

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 7))
CELLS = manifest.cells_by_id(manifest.load())
EMPTY = {**CELLS["getrefcount"], "id": "empty", "setup": "", "source": "pass", "params": {}, "interpreters": ["any"]}
GOAL = 0.25  # × a bare `python -c pass`
OTHERS = [("cpython-2.7", "CPython 2.7"), ("pypy", "PyPy"), ("jython", "Jython")]


def beyond_cell(request):
    """Seconds of run_cell beyond the cell's own timed region, and whether a standby ran it."""
    started = time.perf_counter()
    result = run_cell(request)
    run = result["runs"][0]
    assert run["status"] == "ok", run["stderr"]
    return time.perf_counter() - started - run["cell_s"], run


def ready(request):
    """A standby waiting for the next run of this request, started as the server's worker does."""
    standby.close_all()
    run_cell(request, keep_ready=True)
    standby.waiting()  # its start-up has ended
    time.sleep(0.05)


def cold_and_standby(request, rounds, bare=None):
    """(seconds beyond the cell, run) of a cold run and of a run through a standby, alternated; with `bare`,
    a bare `python -c pass` before each pair too."""
    cold, warm = [], []
    for _ in range(rounds):
        if bare is not None:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - started)
        standby.close_all()
        cold.append(beyond_cell(request))
        ready(request)
        warm.append(beyond_cell(request))
    assert not any(run["standby"] for _, run in cold) and all(run["standby"] for _, run in warm)
    return cold, warm


def ms(values):
    values = [v * 1000 for v in values]
    return f"median {statistics.median(values):.1f} ms (min {min(values):.1f}, max {max(values):.1f}, n={len(values)})"


def overhead():
    request = check_request(EMPTY, repeat=1)
    run_cell(request)  # warm-up: the interpreter's facts, the spawner threads
    bare = []
    cold, warm = ([seconds for seconds, _ in runs] for runs in cold_and_standby(request, ROUNDS, bare))
    base = statistics.median(bare)
    print(f"  bare `python -c pass`:            {ms(bare)}")
    print(f"  Run → numbers, cold start:        {ms(cold)}  = {statistics.median(cold) / base:.2f}x bare")
    print(f"  Run → numbers, through a standby: {ms(warm)}  = {statistics.median(warm) / base:.2f}x bare"
          f"   goal <= {GOAL}x")
    for selector, label in OTHERS:
        try:
            interp = interpreters.resolve(selector)
        except LookupError:
            print(f"  {label}: not installed here")
            continue
        cold, warm = ([seconds for seconds, _ in runs] for runs in
                      cold_and_standby(check_request(EMPTY, python=interp["name"], repeat=1), max(2, ROUNDS // 3)))
        print(f"  {label}: Run → numbers cold {ms(cold)}; through a standby {ms(warm)}"
              f" ({statistics.median(cold) / statistics.median(warm):.0f}x less)")


def cell_time(cell_id, **params):
    """The cell's own time, cold and through a standby, alternated: the standby must not change it."""
    request = check_request(CELLS[cell_id], repeat=1, params=params)
    cold_cell, warm_cell = ([run["cell_s"] for _, run in runs] for runs in cold_and_standby(request, ROUNDS))
    ratio = statistics.median(warm_cell) / statistics.median(cold_cell)
    noise = max((max(v) - min(v)) / statistics.median(v) for v in (cold_cell, warm_cell))
    print(f"  {cell_id} cell time, cold: {ms(cold_cell)}; through a standby: {ms(warm_cell)}")
    print(f"    standby / cold {ratio:.3f}; spread within each {noise:.1%}   goal: within the spread")


def sizes():
    for path in sorted(glob.glob(os.path.join(paths.RESULTS, "*.json"))):
        print(f"  results size, {os.path.basename(path)}: {os.path.getsize(path) / 1000:.0f} KB as committed"
              "   goal <= 150 KB per machine")
    per_cell = glob.glob(os.path.join(paths.SITE, "results", "*.js"))
    if per_cell:
        biggest = max(per_cell, key=os.path.getsize)
        print(f"  site/results/: {len(per_cell)} files, {sum(map(os.path.getsize, per_cell)) / 1000:.0f} KB in all; "
              f"the largest a slide loads: {os.path.basename(biggest)} {os.path.getsize(biggest) / 1000:.0f} KB; "
              "the first slide: none")


def main():
    overhead()
    cell_time("countdown-sequential", TOTAL_WORK=5_000_000)
    cell_time("countdown-threads", TOTAL_WORK=5_000_000)
    sizes()
    standby.close_all()


if __name__ == "__main__":
    main()
