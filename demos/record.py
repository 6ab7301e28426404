"""`python -m demos record`: every demo cell on this machine, written to results/<machine>.json.

Every cell runs on the default interpreter, or on each suitable interpreter its
`record=` selector names (`record=all`: every one found, 2.7 above all); each
value of a `sweep-NAME=` runs once more on the default interpreter. Runs that
are compared with each other (one group, or one cell's sweep, on one
interpreter) take turns run by run, so that a shared host drifting between
them is not read as a difference between cells.
"""
import json
import os
import sys
import tempfile
import time

from demos import interpreters, selectors
from demos.machine import fingerprint
from demos.runner import run_cell, summarise

RESULTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "results")


def plan(cells):
    """(cell, interpreter, parameters) to run, in deck order."""
    found = interpreters.find()
    todo = []
    for cell in cells:
        if cell["hidden"]:
            continue
        if cell["language"] == "cpp":  # its compiler, whatever the interpreter
            todo.append((cell, found[0], {}))
            continue
        wanted = selectors.parse("any" if cell["record"] in (None, "all") else cell["record"])
        for interp in (found if cell["record"] else found[:1]):
            if selectors.matches(wanted, interp) and interpreters.suits(cell, interp):
                todo.append((cell, interp, {}))
        for name, values in cell["sweep"].items():
            todo += [(cell, found[0], {name: value}) for value in values if value != cell["params"][name]["default"]
                     and interpreters.suits(cell, found[0])]
    return todo


def batches(todo):
    """The runs compared with each other: one group (or one cell and its sweep) on one interpreter."""
    out = {}
    for cell, interp, params in todo:
        out.setdefault((cell["group"] or cell["id"], interp["name"]), []).append((cell, interp, params))
    return list(out.values())


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


def run_batch(batch, tick):
    """Each entry's `repeat` runs, taking turns with the others' (run 1 of each, then run 2 of each, ...)."""
    merged = [None] * len(batch)
    for turn in range(max(cell["repeat"] for cell, _, _ in batch)):
        for i, (cell, interp, params) in enumerate(batch):
            if turn < cell["repeat"]:
                tick(f"{cell['id']} on {interp['name']}")
                result = run_cell(cell, python=interp["path"], repeat=1, params=params)
                if merged[i]:
                    result["runs"] = merged[i]["runs"] + result["runs"]
                merged[i] = result
    for result in merged:
        result["summary"] = summarise(result["runs"])
    return merged


def record(cells, out=None):
    machine = fingerprint()
    out = out or os.path.join(RESULTS, f"{machine['name']}.json")
    todo = plan(cells)
    total, done, results, started = sum(cell["repeat"] for cell, _, _ in todo), 0, [], time.time()

    def tick(label):
        nonlocal done
        bar(done, total, label, started)
        done += 1

    for batch in batches(todo):
        results += [keep_one_timeline(result) for result in run_batch(batch, tick)]
    bar(total, total, "done", started)
    sys.stderr.write("\n")
    write_atomically(out, {"schema": 1, "machine": machine, "recorded_at": results[-1]["recorded_at"] if results
                           else None, "results": results})
    return out
