"""The live server: serves site/ and runs the deck's demo cells, one at a time, on this host."""
from flask import Flask

from demos import manifest, paths, results
from server import api, errors, guard, site
from server.queue import RunQueue


def create_app(config=None):
    """Configuration in, app out (tests give their own site and results folders)."""
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(
        SITE_DIR=paths.SITE,
        RESULTS_DIR=paths.RESULTS,
        TOKEN=None,               # when set, runs need it (required to listen beyond loopback)
        ALLOWED_HOSTS=(),         # names the Host header may carry besides loopback ones (--host, --allow-host)
        QUEUE_MAX=8,              # queued runs beyond this answer 429
        JOBS_KEPT=200,            # finished jobs remembered for /api/jobs/<id>
        MAX_CONTENT_LENGTH=16 * 1024,
    )
    if config:
        app.config.update(config)
    app.extensions["runs"] = RunQueue(app.config["QUEUE_MAX"], app.config["JOBS_KEPT"])
    # the built site's manifest and the recorded results, each read again only when its files change
    app.extensions["manifest"] = manifest.reader(app.config["SITE_DIR"])
    app.extensions["results"] = results.reader(app.config["RESULTS_DIR"])
    errors.init_app(app)
    guard.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(site.bp)
    return app
