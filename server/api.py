"""The run API. The client names a cell; its source always comes from the manifest the build wrote."""
import hmac
import json
import os
import time

from flask import Blueprint, Response, abort, current_app, request, url_for

from deck import results as recorded
from demos import interpreters
from demos.machine import fingerprint
from demos.params import coerce
from demos.runner import check_options
from server.queue import QueueFull

bp = Blueprint("api", __name__, url_prefix="/api")
RUN_KEYS = {"params", "python", "repeat", "gil"}
HEARTBEAT_S = 15
_interpreters = []


def runs():
    return current_app.extensions["runs"]


def cells():
    """The manifest from site/cells.json, reread when a rebuild changes it."""
    path = os.path.join(current_app.config["SITE_DIR"], "cells.json")
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        abort(503, "the site is not built: run `python build.py`")
    manifest = current_app.extensions.setdefault("manifest", {"mtime": None, "cells": {}})
    if mtime != manifest["mtime"]:
        with open(path) as f:
            manifest["cells"] = {cell["id"]: cell for cell in json.load(f)["cells"]}
        manifest["mtime"] = mtime
    return manifest["cells"]


def found_interpreters():
    if not _interpreters:
        _interpreters.extend(interpreters.find())
    return _interpreters


def runnable(cell_id):
    cell = cells().get(cell_id)
    if cell is None or cell["hidden"]:
        abort(404, f"no demo cell {cell_id!r}")
    return cell


def suitable(cell):
    return [i["name"] for i in found_interpreters() if cell["language"] == "cpp" and i["default"]
            or cell["language"] == "python" and interpreters.suits(cell, i)]


def check_presenter():
    """Runs need a same-origin Origin header and, when the server has a token, that token."""
    token = current_app.config["TOKEN"]
    if token:
        given = request.headers.get("X-Presenter-Token") or request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), token.encode()):
            abort(403, "this server needs the presenter token to run cells")
    origin = request.headers.get("Origin")
    if origin != request.host_url.rstrip("/"):
        abort(403, f"runs must come from this server's own pages (Origin {origin!r})")


def run_request():
    """The body of a run request, checked key by key: nothing in it is ever executed."""
    if not request.is_json:
        abort(415, "send the run request as application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "the body must be a JSON object")
    unknown = sorted(set(body) - RUN_KEYS)
    if unknown:
        abort(400, f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(RUN_KEYS))})")
    repeat = body.get("repeat")
    if repeat is not None and (not isinstance(repeat, int) or isinstance(repeat, bool)
                               or not 1 <= repeat <= current_app.config["MAX_REPEAT"]):
        abort(400, f"repeat must be an integer from 1 to {current_app.config['MAX_REPEAT']}")
    return body


def pick_interpreter(cell, wanted):
    """Only an interpreter this host found, by name or path; never an arbitrary program."""
    found = found_interpreters()
    if wanted is None:
        return found[0]
    if not isinstance(wanted, str):
        abort(400, "python must be an interpreter name from /api/interpreters")
    for interp in found:
        if wanted in (interp["name"], interp["path"]):
            if cell["language"] == "python" and not interpreters.suits(cell, interp):
                abort(400, f"cell {cell['id']} does not run on {interp['name']} (it runs on: {', '.join(suitable(cell))})")
            return interp
    abort(400, f"unknown interpreter {wanted!r} (see /api/interpreters)")


def gil_switch(wanted, interp):
    """"on" or "off": PYTHON_GIL for a free-threaded CPython's run; None leaves the build's default."""
    try:
        check_options(interp, gil=wanted)
    except ValueError as error:
        abort(400, str(error))
    return wanted


def cached_result(cell, params, interp):
    """The last live result for these settings, else a recorded one: numbers to show while a run is on its way."""
    last = runs().last_result(cell["id"], params, interp["path"])
    if last:
        return {"source": "live", "recorded_at": last["recorded_at"], "result": last}
    for result in reversed(recorded.for_browser(recorded.load(current_app.config["RESULTS_DIR"]))["results"]):
        if (result["cell"], result["params"], result["interpreter"]["name"]) == (cell["id"], params, interp["name"]):
            return {"source": "recorded", "recorded_at": result["recorded_at"], "result": result}
    return None


@bp.get("/cells")
def list_cells():
    return {"cells": [dict(cell, runs_on=suitable(cell)) for cell in cells().values() if not cell["hidden"]]}


@bp.post("/cells/<cell_id>/runs")
def start_run(cell_id):
    check_presenter()
    cell = runnable(cell_id)
    body = run_request()
    try:
        params = coerce(cell, body.get("params"))
    except ValueError as error:
        abort(400, str(error))
    interp = pick_interpreter(cell, body.get("python"))
    gil = gil_switch(body.get("gil"), interp)
    try:
        job, coalesced = runs().submit(cell, params, interp, body.get("repeat"), gil)
    except QueueFull as error:
        abort(429, str(error))
    return {"job": job.id, "status": job.status, "coalesced": coalesced, "position": runs().position(job),
            "status_url": url_for("api.job_status", job_id=job.id),
            "events_url": url_for("api.job_events", job_id=job.id),
            "cached": cached_result(cell, params, interp)}, 202


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
    return recorded.for_browser(recorded.load(current_app.config["RESULTS_DIR"]))


@bp.get("/machine")
def machine():
    return fingerprint()


@bp.get("/interpreters")
def list_interpreters():
    return {"interpreters": found_interpreters()}
