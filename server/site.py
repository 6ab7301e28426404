"""The built deck: files only from site/, never above it."""
from flask import Blueprint, abort, current_app, request, send_from_directory
from werkzeug.exceptions import MethodNotAllowed, NotFound

bp = Blueprint("site", __name__)
ALWAYS_FRESH = {"index.html", "cells.json", "cells.js", "results.js"}


@bp.get("/")
def index():
    return static("index.html")


@bp.get("/live.js")
def live_marker():
    """The static site says false here; this server says true, so pages know without probing (no 404s)."""
    return current_app.response_class("window.GIL_LIVE = true;\n", mimetype="text/javascript",
                                      headers={"Cache-Control": "no-cache"})


@bp.get("/<path:path>")
def static(path):
    if path.startswith("api/"):  # this catch-all shadows API routes that exist for other methods
        try:
            current_app.url_map.bind_to_environ(request.environ).match(f"/{path}", method="POST")
        except (MethodNotAllowed, NotFound):
            abort(404, f"no such endpoint: /{path}")
        abort(405, f"/{path} does not take {request.method}")
    # send_from_directory refuses paths that leave the folder (404), whatever their encoding
    return send_from_directory(current_app.config["SITE_DIR"], path, max_age=0 if path in ALWAYS_FRESH else 3600)
