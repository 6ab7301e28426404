"""The built deck: files only from site/, never above it."""
from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("site", __name__)
ALWAYS_FRESH = {"index.html", "cells.json", "cells.js", "results.js", "build-id.txt"}


@bp.get("/")
def index():
    return static("index.html")


@bp.get("/<path:path>")
def static(path):
    if path.startswith("api/"):
        abort(404, f"no such endpoint: /{path}")
    # send_from_directory refuses paths that leave the folder (404), whatever their encoding
    response = send_from_directory(current_app.config["SITE_DIR"], path, max_age=0 if path in ALWAYS_FRESH else 3600)
    return response
