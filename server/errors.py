"""Every error is JSON `{"error": message}` with its status code."""
from werkzeug.exceptions import HTTPException


def init_app(app):
    @app.errorhandler(HTTPException)
    def http_error(error):
        return {"error": error.description or error.name}, error.code

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unhandled error")
        return {"error": f"internal error: {type(error).__name__}"}, 500
