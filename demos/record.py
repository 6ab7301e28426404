"""`python -m demos record`: every demo cell on this machine, written to results/<machine>.json.

Every cell runs on the default interpreter; the cells that make the old-GIL vs
new-GIL point (the `countdown` group and `switch-interval`) also run on every
other CPython found, 2.7 above all.
"""
import json
import os
import sys
import tempfile
import time

from demos import interpreters
from demos.machine import fingerprint
from demos.runner import run_cell

RESULTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "results")
ACROSS_INTERPRETERS = {"countdown", "switch"}


def plan(cells):
    """(cell, interpreter) pairs to run, in deck order."""
    found = interpreters.find()
    pairs = []
    for cell in cells:
        if cell["hidden"]:
            continue
        across = cell["group"] in ACROSS_INTERPRETERS or cell["id"] == "switch-interval"
        for interp in (found if across and cell["language"] == "python" else found[:1]):
            if cell["language"] == "cpp" or interpreters.suits(cell, interp):
                pairs.append((cell, interp))
    return pairs


def bar(done, total, label, started):
    width = 30
    filled = width * done // total
    elapsed = time.time() - started
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {elapsed:5.0f}s {label:45.45}")
    sys.stderr.flush()


def write_atomically(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".results-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def keep_one_timeline(result):
    """A results file keeps the timeline of the median run only: the slides draw one, and files stay small."""
    ok = [run for run in result["runs"] if run["cell_s"] is not None] or result["runs"]
    median = sorted(ok, key=lambda run: run["cell_s"] or 0)[len(ok) // 2]
    for run in result["runs"]:
        if run is not median:
            run["timeline"] = None
    return result


def record(cells, out=None):
    machine = fingerprint()
    out = out or os.path.join(RESULTS, f"{machine['name']}.json")
    pairs = plan(cells)
    results, started = [], time.time()
    for i, (cell, interp) in enumerate(pairs):
        bar(i, len(pairs), f"{cell['id']} on {interp['name']}", started)
        results.append(keep_one_timeline(run_cell(cell, python=interp["path"])))
    bar(len(pairs), len(pairs), "done", started)
    sys.stderr.write("\n")
    write_atomically(out, {"schema": 1, "machine": machine, "recorded_at": results[-1]["recorded_at"] if results
                           else None, "results": results})
    return out
