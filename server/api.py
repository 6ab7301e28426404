"""The run API. The client names a cell; its source always comes from the manifest the build wrote."""
import json
import time

from flask import Blueprint, Response, abort, current_app, request, url_for

from demos import interpreters, results
from demos.machine import fingerprint
from demos.manifest import cells_by_id
from demos.request import check_request, suitable
from server import guard
from server.queue import QueueFull

bp = Blueprint("api", __name__, url_prefix="/api")
RUN_KEYS = {"params", "python", "repeat", "gil"}
HEARTBEAT_S = 15


def runs():
    return current_app.extensions["runs"]


def manifest():
    """The built site's manifest (site/cells.json), reread when a rebuild changes it."""
    try:
        return current_app.extensions["manifest"].get()
    except OSError:
        abort(503, "the site is not built: run `python build.py`")


def recorded():
    return current_app.extensions["results"].get()


def runnable(cell_id):
    cell = cells_by_id(manifest()).get(cell_id)
    if cell is None or cell["hidden"]:
        abort(404, f"no demo cell {cell_id!r}")
    return cell


def check_presenter():
    """Runs need a same-origin Origin header (its host is then an allowed one) and, when the server has a
    token, that token (header or cookie)."""
    if not guard.is_presenter():
        abort(403, "this server needs the presenter token to run cells: open the deck once as /?token=TOKEN "
                   "(scripts: an X-Presenter-Token header)")
    origin = request.headers.get("Origin")
    if origin != request.host_url.rstrip("/"):
        abort(403, f"runs must come from this server's own pages (Origin {origin!r})")


def run_body():
    """The body of a run request: a JSON object of known keys; demos.request checks their values."""
    if not request.is_json:
        abort(415, "send the run request as application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "the body must be a JSON object")
    unknown = sorted(set(body) - RUN_KEYS)
    if unknown:
        abort(400, f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(RUN_KEYS))})")
    return body


def cached_result(run):
    """The last live result for these settings, else a recorded one: numbers to show while a run is on its way."""
    last = runs().last_result(run)
    if last:
        return {"source": "live", "recorded_at": last["recorded_at"], "result": last}
    found = results.find(recorded(), run.cell["id"], run.params, run.interpreter["name"])
    if found:
        return {"source": "recorded", "recorded_at": found["recorded_at"], "result": found}
    return None


def listed(cell):
    """A cell as /api/cells lists it: with the names it runs on here and its side-by-side options."""
    here = suitable(cell)
    return dict(cell, runs_on=[interp["name"] for interp in here], compare_on=interpreters.comparisons(cell, here))


@bp.get("/cells")
def list_cells():
    return {"cells": [listed(cell) for cell in manifest()["cells"] if not cell["hidden"]]}


@bp.post("/cells/<cell_id>/runs")
def start_run(cell_id):
    check_presenter()
    cell = runnable(cell_id)
    body = run_body()
    try:
        run = check_request(cell, python=body.get("python"), repeat=body.get("repeat"), params=body.get("params"),
                            gil=body.get("gil"))
    except (ValueError, LookupError) as error:
        abort(400, str(error))
    try:
        job, coalesced = runs().submit(run)
    except QueueFull as error:
        abort(429, str(error))
    return {"job": job.id, "status": job.status, "coalesced": coalesced, "position": runs().position(job),
            "status_url": url_for("api.job_status", job_id=job.id),
            "events_url": url_for("api.job_events", job_id=job.id),
            "cached": cached_result(run)}, 202


def find_job(job_id):
    job = runs().get(job_id)
    if job is None:
        abort(404, f"no job {job_id!r} (finished jobs are forgotten after a while)")
    return job


@bp.get("/jobs/<job_id>")
def job_status(job_id):
    job = find_job(job_id)
    return job.describe(runs().position(job))


@bp.get("/jobs/<job_id>/events")
def job_events(job_id):
    job = find_job(job_id)

    def stream():
        seen, last_sent = 0, time.time()
        while True:
            events = job.wait_events(seen, HEARTBEAT_S)
            for event, data in events:
                yield f"event: {event}\ndata: {json.dumps(data)}\n\n"
                if event in ("done", "error"):
                    return
            seen += len(events)
            if not events or time.time() - last_sent > HEARTBEAT_S:
                yield ": keep-alive\n\n"
            last_sent = time.time()

    return Response(stream(), mimetype="text/event-stream", headers={"Cache-Control": "no-cache",
                                                                      "X-Accel-Buffering": "no"})


@bp.get("/results")
def all_results():
    return results.for_browser(recorded(), manifest()["cells"])


@bp.get("/machine")
def machine():
    return fingerprint()


@bp.get("/interpreters")
def list_interpreters():
    return {"interpreters": interpreters.find()}
