"""`python -m demos record`: every demo cell on this machine, written to results/<machine>.json.

Every cell runs on the default interpreter; a cell declared `record=all` (the ones that make the
old-GIL vs new-GIL point) also runs on every other interpreter found that it suits. Cells that run only
in the browser are not recorded.
"""
import os
import sys
import time

from demos import interpreters, paths, results
from demos.machine import fingerprint
from demos.request import check_request
from demos.runner import run_cell


def plan(cells):
    """The checked requests to run, in deck order (a C++ cell without g++ here is skipped, and said so)."""
    found = interpreters.find()
    requests = []
    for cell in cells:
        if cell["hidden"] or cell["browser"] == "only":
            continue
        candidates = found if cell["record"] == "all" and cell["language"] == "python" else found[:1]
        for interp in candidates:
            try:
                requests.append(check_request(cell, python=interp["name"] if cell["language"] == "python" else None))
            except ValueError:  # an interpreter this cell does not suit
                continue
            except LookupError as error:
                print(f"skipping {cell['id']}: {error}", file=sys.stderr)
    return requests


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
    recorded, started = [], time.time()
    for i, request in enumerate(requests):
        bar(i, len(requests), f"{request.cell['id']} on {request.interpreter['name']}", started)
        recorded.append(run_cell(request))
    bar(len(requests), len(requests), "done", started)
    sys.stderr.write("\n")
    return results.save(out, machine, recorded)
