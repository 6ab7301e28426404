"""Who the server answers: the Host allow-list (against DNS rebinding) and the presenter's token.

A web page the presenter visits can point its own name at 127.0.0.1 (DNS rebinding): its requests then
reach this server as same-origin ones, but with the page's name in the Host header. So every request,
on every route, must name this server as the presenter does: a loopback name, the --host value or an
--allow-host name (config ALLOWED_HOSTS). A `?token=` in a page's URL is exchanged for a cookie and
dropped from the URL, so it does not stay in the address bar, the history or a Referer.
"""
import hashlib
import hmac
import ipaddress
import re
from urllib.parse import quote, urlencode

from flask import abort, current_app, redirect, request

COOKIE = "gil-presenter"
LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
HOST_HEADER = re.compile(r"(\[[^\]]*\]|[^:\[\]]*)(:\d{1,5})?")  # name or [IPv6], then an optional port


def host_name(text):
    """The canonical form of a host name or IP address given without a port: lower case, no trailing
    dot, IPv6 in brackets. ValueError when it is neither."""
    name = text.lower()
    bracketed = name.startswith("[") and name.endswith("]")
    try:
        address = ipaddress.ip_address(name[1:-1] if bracketed else name)
    except ValueError:
        address = None
    if address and address.version == 6:
        return f"[{address.compressed}]"
    if address and not bracketed:
        return str(address)
    name = name[:-1] if name.endswith(".") else name
    if bracketed or len(name) > 253 or not all(LABEL.fullmatch(label) for label in name.split(".")):
        raise ValueError(f"{text!r} is not a host name or an IP address")
    return name


def is_loopback(name):
    """localhost, 127.x.x.x or [::1] (canonical names from host_name): they reach only this machine."""
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return name == "localhost"


def check_host():
    header = request.environ.get("HTTP_HOST")
    if not header:
        abort(400, "the request has no Host header")
    match = HOST_HEADER.fullmatch(header)
    try:
        name = host_name(match[1] if match else "")  # "" is no name either
    except ValueError:
        abort(400, f"malformed Host header {header!r}")
    if not (is_loopback(name) or name in current_app.extensions["allowed_hosts"]):
        abort(403, f"Host {header!r} is not allowed: start the server with --allow-host {name.strip('[]')} "
                   "(beyond loopback it answers only the --host value and --allow-host names)")


def cookie_value(token):
    # Browsers send a host's cookies to every port on it: other local services get a digest, never the token.
    return hmac.new(token.encode(), b"gil-talk presenter cookie", hashlib.sha256).hexdigest()


def token_to_cookie():
    """A page opened as `...?token=TOKEN`: the same URL without it (303), and an HttpOnly cookie instead."""
    token = current_app.config["TOKEN"]
    if not token or "token" not in request.args or request.method not in ("GET", "HEAD"):
        return None
    if not hmac.compare_digest(request.args["token"].encode(), token.encode()):
        abort(403, "the token in the URL is not this server's presenter token")
    query = urlencode([(key, value) for key, value in request.args.items(multi=True) if key != "token"])
    answer = redirect(quote(request.script_root + request.path) + (f"?{query}" if query else ""), 303)
    answer.set_cookie(COOKIE, cookie_value(token), path="/", httponly=True, samesite="Strict")
    answer.headers["Cache-Control"] = "no-store"
    return answer


def is_presenter():
    """True when the server has no token, or the request carries it: in a header (scripts) or as the
    cookie a `?token=` URL left (pages)."""
    token = current_app.config["TOKEN"]
    if not token:
        return True
    given = request.headers.get("X-Presenter-Token") or request.headers.get("Authorization", "").removeprefix("Bearer ")
    cookie = request.cookies.get(COOKIE, "")
    return (hmac.compare_digest(given.encode(), token.encode())
            or hmac.compare_digest(cookie.encode(), cookie_value(token).encode()))


def init_app(app):
    app.extensions["allowed_hosts"] = {host_name(name) for name in app.config["ALLOWED_HOSTS"]}
    app.before_request(check_host)
    app.before_request(token_to_cookie)
