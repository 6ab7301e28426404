"""The built deck: files only from site/, never above it."""
from flask import Blueprint, abort, current_app, request, send_from_directory
from werkzeug.exceptions import MethodNotAllowed, NotFound

bp = Blueprint("site", __name__)


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
    # the pages every build rewrites (the build lists them in the manifest) are sent uncached
    try:
        fresh = current_app.extensions["manifest"].get()["fresh"]
    except OSError:  # not built: send_from_directory answers 404
        fresh = ()
    # send_from_directory refuses paths that leave the folder (404), whatever their encoding
    return send_from_directory(current_app.config["SITE_DIR"], path, max_age=0 if path in fresh else 3600)
