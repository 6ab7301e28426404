"""Recorded results, `results/<machine>.json`: load every file, save one atomically, select for the browser.

A results file is `{"schema": 1, "machine": {...}, "recorded_at": "...", "results": [result, ...]}`, each
result as `python -m demos run --json` prints it, with the median run's timeline only. Interpreters are
named, never located: nothing in a results file is a path on the machine that recorded it.
"""
import glob
import json
import os
import tempfile

from demos import interpreters, paths
from demos.reloading import Reloading

SCHEMA = 1


def files_in(results_dir):
    return sorted(glob.glob(os.path.join(results_dir, "*.json")))


def read(path):
    """One results file, named by its file name; OSError or ValueError when it cannot be read."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    data["file"] = os.path.basename(path)
    return data


def load(results_dir=paths.RESULTS):
    """Every results file, by name; an unreadable one is skipped with a warning, not fatal."""
    files = []
    for path in files_in(results_dir):
        try:
            files.append(read(path))
        except (OSError, ValueError) as error:
            print(f"warning: skipping results file {path}: {error}")
    return files


def reader(results_dir=paths.RESULTS):
    """`load(results_dir)`, again only when a file there has changed, come or gone."""
    return Reloading(lambda: load(results_dir), lambda: [results_dir] + files_in(results_dir))


def keep_one_timeline(result):
    """A copy with the timeline of the median run only: the slides draw one, and files stay small."""
    ok = [run for run in result["runs"] if run["cell_s"] is not None] or result["runs"]
    median = sorted(ok, key=lambda run: run["cell_s"] or 0)[len(ok) // 2]
    return dict(result, runs=[run if run is median else dict(run, timeline=None) for run in result["runs"]])


def save(path, machine, results):
    """Write a results file atomically (a reader never sees half of one)."""
    data = {"schema": SCHEMA, "machine": machine, "recorded_at": results[-1]["recorded_at"] if results else None,
            "results": [keep_one_timeline(result) for result in results]}
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".results-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def for_browser(files, cells=()):
    """What the pages get (site/results.js, GET /api/results): every result with its machine, and for each
    cell's side-by-side options (`compare-NAME=`) the recorded interpreters they pick, machine by machine."""
    compare = {}
    for cell in cells:
        for data in files:
            recorded = {r["interpreter"]["name"]: r["interpreter"] for r in data["results"] if r["cell"] == cell["id"]}
            for name, picked in interpreters.comparisons(cell, list(recorded.values())).items():
                compare.setdefault(cell["id"], []).append(
                    {"name": name, "machine": data["machine"]["name"], "interpreters": picked})
    return {"results": [dict(result, machine=data["machine"]) for data in files for result in data["results"]],
            "compare": compare}


def find(files, cell_id, params, interpreter):
    """The latest recorded result of a cell with these parameters on the interpreter of this name, or None."""
    for data in reversed(files):
        for result in reversed(data["results"]):
            if (result["cell"], result["params"], result["interpreter"]["name"]) == (cell_id, params, interpreter):
                return dict(result, machine=data["machine"])
    return None
