"""A result's summary over its runs: median, min and max of the cell time, and the medians beside them.

One place for it, on the host (demos/runner.py) and in the browser (Pyodide imports this file from the
site), so a result has the same shape wherever it ran. A figure a run lacks (a browser run has no
rusage) is left out of its median.
"""
import statistics


def _median(values):
    values = [value for value in values if value is not None]
    return round(statistics.median(values), 6) if values else None


def _utilisation(run):
    if run.get("user_s") is None or not run["wall_s"]:
        return None
    return (run["user_s"] + run["sys_s"]) / run["wall_s"]


def summarise(runs):
    ok = [run for run in runs if run["status"] == "ok"] or runs
    cells = [run["cell_s"] for run in ok if run["cell_s"] is not None]
    return {
        "ok_runs": sum(run["status"] == "ok" for run in runs),
        "median_cell_s": _median(cells), "min_cell_s": min(cells, default=None), "max_cell_s": max(cells, default=None),
        "median_wall_s": _median(run["wall_s"] for run in ok),
        "cpu_utilisation": _median(_utilisation(run) for run in ok),
        "voluntary_ctxt": _median(run.get("voluntary_ctxt") for run in ok),
        "involuntary_ctxt": _median(run.get("involuntary_ctxt") for run in ok),
        # from each run's timeline (demos/sampler.py): two threads on CPU at once, how many on average,
        # and how many wanted a CPU (on one or queued for one)
        **{figure: _median((run.get("timeline") or {}).get(figure) for run in ok)
           for figure in ("overlap", "parallelism", "runnable")},
        # what the cell emit()ted (demos/wrapper.py): named numbers for the claims
        "values": {name: _median(run["values"][name] for run in ok if name in run.get("values", {}))
                   for name in sorted({name for run in ok for name in run.get("values") or {}})},
    }
