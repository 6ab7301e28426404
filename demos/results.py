"""Recorded results, `results/<machine>.json`: load every file, save one atomically, select for the browser.

A results file is `{"schema": 2, "machine": {...}, "recorded_at": "...", "results": [result, ...]}`, one
result a line, each as `python -m demos run --json` prints it but for its machine (the file's) and with the
median run's timeline only (timelines in per-cent intervals: demos/sampler.py). Interpreters are named, never
located: nothing in a results file is a path on the machine that recorded it. A file of another schema is
skipped with a warning: record it again.
"""
import glob
import json
import os
import tempfile

from demos import interpreters, paths
from demos.reloading import Reloading

SCHEMA = 2


def files_in(results_dir):
    return sorted(glob.glob(os.path.join(results_dir, "*.json")))


def read(path):
    """One results file, named by its file name; OSError or ValueError when it cannot be read."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if data.get("schema") != SCHEMA:
        raise ValueError(f"schema {data.get('schema')}, not {SCHEMA} (record it again: python -m demos record)")
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


def stored(result):
    """A copy as a results file keeps it: the timeline of the median run only (the slides draw one, and
    files stay small), without the machine (the file's)."""
    ok = [run for run in result["runs"] if run["cell_s"] is not None] or result["runs"]
    median = sorted(ok, key=lambda run: run["cell_s"] or 0)[len(ok) // 2]
    kept = {key: value for key, value in result.items() if key != "machine"}
    return dict(kept, runs=[run if run is median else dict(run, timeline=None) for run in result["runs"]])


def save(path, machine, results):
    """Write a results file atomically (a reader never sees half of one), one result a line: a new
    recording's diff shows which results changed."""
    head = {"schema": SCHEMA, "machine": machine, "recorded_at": results[-1]["recorded_at"] if results else None}
    lines = [json.dumps(stored(result), separators=(",", ":")) for result in results]
    text = json.dumps(head, indent=1)[:-2] + ',\n "results": [\n' + ",\n".join(lines) + "\n]}\n"
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".results-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def for_browser(files, cells=()):
    """What the pages get (GET /api/results; per cell, site/results/<id>.js): every result with its machine,
    and for each cell's side-by-side options (`compare-NAME=`) the recorded interpreters they pick, machine by
    machine."""
    compare = {}
    for cell in cells:
        for data in files:
            recorded = {r["interpreter"]["name"]: r["interpreter"] for r in data["results"] if r["cell"] == cell["id"]}
            for name, picked in interpreters.comparisons(cell, list(recorded.values())).items():
                compare.setdefault(cell["id"], []).append(
                    {"name": name, "machine": data["machine"]["name"], "interpreters": picked})
    return {"results": [dict(result, machine=data["machine"]) for data in files for result in data["results"]],
            "compare": compare}


def per_cell(files, cells):
    """What each demo cell's slide loads (site/results/<id>.js): `for_browser` of that cell alone, so that a
    slide fetches its own cells' results, never every machine's all at once."""
    everything = for_browser(files, cells)
    return {cell["id"]: {"results": [result for result in everything["results"] if result["cell"] == cell["id"]],
                         "compare": everything["compare"].get(cell["id"], [])}
            for cell in cells if not cell["hidden"]}


def find(files, cell_id, params, interpreter):
    """The latest recorded result of a cell with these parameters on the interpreter of this name, or None."""
    for data in reversed(files):
        for result in reversed(data["results"]):
            if (result["cell"], result["params"], result["interpreter"]["name"]) == (cell_id, params, interpreter):
                return dict(result, machine=data["machine"])
    return None
