"""`python -m demos record`: every demo cell on this machine, written to results/<machine>.json.

Every cell runs on the default interpreter, or on each suitable interpreter its `record=` names
(`record=all`: every one found, 2.7 above all; or a selector such as `record=cpython`); each value of a
`sweep-NAME=` runs once more on the default interpreter. Cells that run only in the browser are not
recorded. Runs that are compared with each other (one group, or one cell's sweep, on one interpreter)
take turns run by run, so that a shared host drifting between them is not read as a difference between
cells.
"""
import dataclasses
import os
import sys
import time

from demos import interpreters, paths, results, selectors
from demos.machine import fingerprint
from demos.request import check_request
from demos.runner import run_cell
from demos.summary import summarise


def _candidates(cell, found):
    if cell["language"] != "python" or cell["record"] == "default":
        return found[:1]
    wanted = selectors.parse("any" if cell["record"] == "all" else cell["record"])
    return [interp for interp in found if selectors.matches(wanted, interp)]


def plan(cells):
    """The checked requests to run, in deck order (a C++ cell without g++ here is skipped, and said so)."""
    found = interpreters.find()
    requests = []
    for cell in cells:
        if cell["hidden"] or cell["browser"] == "only":
            continue
        settings = [(interp, {}) for interp in _candidates(cell, found)]
        settings += [(found[0], {name: value}) for name, values in cell["sweep"].items()
                     for value in values if value != cell["params"][name]["default"]]
        for interp, params in settings:
            try:
                requests.append(check_request(cell, python=interp["name"] if cell["language"] == "python" else None,
                                              params=params))
            except ValueError:  # an interpreter this cell does not suit
                continue
            except LookupError as error:
                print(f"skipping {cell['id']}: {error}", file=sys.stderr)
    return requests


def batches(requests):
    """The runs compared with each other: one group (or one cell and its sweep) on one interpreter."""
    out = {}
    for request in requests:
        out.setdefault((request.cell["group"] or request.cell["id"], request.interpreter["name"]), []).append(request)
    return list(out.values())


def run_batch(batch, tick):
    """Each request's `repeat` runs, taking turns with the others' (run 1 of each, then run 2 of each, ...)."""
    merged = [None] * len(batch)
    for turn in range(max(request.repeat for request in batch)):
        for i, request in enumerate(batch):
            if turn < request.repeat:
                tick(f"{request.cell['id']} on {request.interpreter['name']}")
                result = run_cell(dataclasses.replace(request, repeat=1), keep_ready=True)
                if merged[i]:
                    result["runs"] = merged[i]["runs"] + result["runs"]
                merged[i] = result
    for result in merged:
        result["summary"] = summarise(result["runs"])
    return merged


def bar(done, total, label, started):
    width = 30
    filled = width * done // total if total else width
    elapsed = time.time() - started
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {elapsed:5.0f}s {label:45.45}")
    sys.stderr.flush()


def record(cells, out=None):
    machine = fingerprint()
    out = out or os.path.join(paths.RESULTS, f"{machine['name']}.json")
    requests = plan(cells)
    total, done, recorded, started = sum(request.repeat for request in requests), 0, [], time.time()

    def tick(label):
        nonlocal done
        bar(done, total, label, started)
        done += 1

    for batch in batches(requests):
        recorded += run_batch(batch, tick)
    bar(total, total, "done", started)
    sys.stderr.write("\n")
    return results.save(out, machine, recorded)
