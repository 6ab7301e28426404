"""The Host allow-list (DNS rebinding) and the presenter token's exchange for a cookie: through Flask's test
client on every route the app has, and through the real waitress server with raw HTTP requests."""
import json
import re
import socket
import time
import urllib.request

import pytest

from deck.build import build
from server import create_app
from server.__main__ import main
from server.guard import COOKIE
from tests.live_server import live_server

DECK = '''# Guard deck

```python {#countdown-sequential .demo timeout=5}
n = 1000
while n > 0:
    n -= 1
```
'''
# The request: a page on evil.example, its name rebound to 127.0.0.1, starting a run
REBINDING = {"Host": "evil.example:8000", "Origin": "http://evil.example:8000"}
LOOPBACK = {"Host": "127.0.0.1:8000", "Origin": "http://127.0.0.1:8000"}
RUNS = "/api/cells/countdown-sequential/runs"
SAMPLE = {"cell_id": "countdown-sequential", "job_id": "nope", "path": "assets/demos.js"}


def routes():
    """(method, url) for every rule and method of the app: a route added later is checked too."""
    app = create_app()
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda arg: SAMPLE.get(arg[1], "x"), rule.rule)
        for method in sorted(rule.methods):
            yield pytest.param(method, url, id=f"{method} {rule.rule}")
    yield pytest.param("DELETE", "/api/cells", id="DELETE (a method no route takes)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("guard")
    (root / "deck.md").write_text(DECK)
    build(str(root / "deck.md"), str(root / "site"))
    return root / "site"


def make_client(site, **config):
    return create_app({"SITE_DIR": str(site), "RESULTS_DIR": str(site / "no-results"), **config}).test_client()


def wait_done(get_status, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if get_status()["status"] in ("done", "failed"):
            return
        time.sleep(0.05)
    raise AssertionError("the run did not finish")


def test_the_rebinding_run_request_is_refused_and_the_same_request_from_loopback_runs(site):
    client = make_client(site)
    refused = client.post(RUNS, json={}, headers=REBINDING)
    assert refused.status_code == 403
    assert refused.get_json()["error"].startswith(
        "Host 'evil.example:8000' is not allowed: start the server with --allow-host evil.example")
    assert not client.application.extensions["runs"].jobs
    ran = client.post(RUNS, json={}, headers=LOOPBACK)
    assert ran.status_code == 202
    wait_done(lambda: client.get(ran.get_json()["status_url"]).get_json())


@pytest.mark.parametrize("method, url", list(routes()))
def test_every_route_refuses_a_rebound_host(site, method, url):
    client = make_client(site)
    body = {} if method == "POST" else None
    with client.open(url, method=method, json=body, headers=REBINDING) as answer:
        assert answer.status_code == 403 and answer.is_json
        assert method == "HEAD" or "--allow-host evil.example" in answer.get_json()["error"]
    assert not client.application.extensions["runs"].jobs
    # the same request addressed to loopback gets past the Host check (and only a run request runs)
    with client.open(url, method=method, json=body, headers=LOOPBACK) as allowed:
        assert allowed.status_code != 403
    if allowed.status_code == 202:
        wait_done(lambda: client.get(allowed.get_json()["status_url"]).get_json())


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost", "LocalHost.:8000", "[::1]:8000",
                                  "[0:0:0:0:0:0:0:1]", "talk.lan:8000", "TALK.LAN."])
def test_loopback_names_and_allow_host_names_are_answered(site, host):
    with make_client(site, ALLOWED_HOSTS=["talk.lan"]).get("/", headers={"Host": host}) as page:
        assert page.status_code == 200


@pytest.mark.parametrize("host, config, option", [
    ("evil.example", {}, "evil.example"),
    ("talk.lan.evil.example:8000", {"ALLOWED_HOSTS": ["talk.lan"]}, "talk.lan.evil.example"),
    ("localhost.evil.example", {}, "localhost.evil.example"),
    ("192.168.1.5:8000", {"ALLOWED_HOSTS": ["0.0.0.0"], "TOKEN": "s3cret"}, "192.168.1.5"),  # bind-all
    ("[fe80::1]:8000", {"ALLOWED_HOSTS": ["[::]"], "TOKEN": "s3cret"}, "fe80::1"),
], ids=["other-name", "suffix-of-allowed", "localhost-prefix", "lan-ip-when-bound-to-all", "lan-ipv6"])
def test_other_hosts_get_403_naming_the_option_that_allows_them(site, host, config, option):
    answer = make_client(site, **config).get("/", headers={"Host": host})
    assert answer.status_code == 403 and f"start the server with --allow-host {option} " in answer.get_json()["error"]


@pytest.mark.parametrize("host", ["::1", "evil.example:http", "a b", "[::1", "[1.2.3.4]:80", ":8000"])
def test_a_malformed_host_is_400(site, host):
    answer = make_client(site).get("/", headers={"Host": host})
    assert answer.status_code == 400 and "malformed Host header" in answer.get_json()["error"]


def test_a_token_in_the_url_becomes_an_httponly_cookie_and_leaves_the_url(site):
    client = make_client(site, TOKEN="s3cret")
    answer = client.get("/?token=s3cret&lang=en&q=a%20b", headers=LOOPBACK)
    assert answer.status_code == 303 and answer.headers["Location"] == "/?lang=en&q=a+b"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "s3cret" not in cookie
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {part.strip() for part in cookie.split(";")}
    with client.get("/?lang=en", headers=LOOPBACK) as page:
        assert page.status_code == 200
    ran = client.post(RUNS, json={}, headers=LOOPBACK)  # the cookie is the token now
    assert ran.status_code == 202
    wait_done(lambda: client.get(ran.get_json()["status_url"]).get_json())
    for origin in ("http://evil.example:8000", None):  # ...and runs still need a same-origin Origin
        headers = {"Host": LOOPBACK["Host"], **({"Origin": origin} if origin else {})}
        assert client.post(RUNS, json={}, headers=headers).status_code == 403


def test_api_urls_exchange_the_token_too(site):
    answer = make_client(site, TOKEN="s3cret").get("/api/cells?token=s3cret")
    assert answer.status_code == 303 and answer.headers["Location"] == "/api/cells"


def test_a_wrong_token_in_the_url_is_403_and_sets_no_cookie(site):
    client = make_client(site, TOKEN="s3cret")
    answer = client.get("/?token=s3cre", headers=LOOPBACK)
    assert answer.status_code == 403 and "not this server's presenter token" in answer.get_json()["error"]
    assert "Set-Cookie" not in answer.headers
    refused = client.post(RUNS, json={}, headers=LOOPBACK)
    assert refused.status_code == 403 and "presenter token" in refused.get_json()["error"]


def test_a_forged_cookie_is_not_the_token(site):
    client = make_client(site, TOKEN="s3cret")
    for value in ("s3cret", "", "0" * 64):
        client.set_cookie(COOKIE, value)
        assert client.post(RUNS, json={}, headers=LOOPBACK).status_code == 403


def test_without_a_server_token_a_url_token_is_left_alone(site):
    with make_client(site).get("/?token=anything") as page:
        assert page.status_code == 200


@pytest.mark.parametrize("name", ["http://evil.example", "evil.example:8000", "*.example", "evil.example/x", "",
                                  "[1.2.3.4]", "a..b"])
def test_an_unknown_allow_host_syntax_is_a_usage_error(name, capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--allow-host", name])
    error = capsys.readouterr().err
    assert exit.value.code == 2 and "argument --allow-host" in error and "is not a host name" in error


# ---- the real server, raw HTTP: nothing between the request bytes and waitress ----

@pytest.fixture(scope="module")
def server(site):
    with live_server("--site", str(site), "--allow-host", "talk.lan") as url:
        yield url


def raw(url, head, body=b""):
    """Sends `head` (request line and headers, CRLF-joined) and body; returns (status, parsed JSON or bytes)."""
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head.replace("PORT", str(port)).encode() + f"\r\nContent-Length: {len(body)}"
                           "\r\nConnection: close\r\n\r\n".encode() + body)
        answer = b"".join(iter(lambda: connection.recv(65536), b""))
    status, _, rest = answer.partition(b"\r\n")
    headers, _, content = rest.partition(b"\r\n\r\n")
    return int(status.split()[1]), json.loads(content) if b"application/json" in headers else content


def test_waitress_refuses_the_rebinding_run_request(server):
    status, answer = raw(server, "POST /api/cells/countdown-sequential/runs HTTP/1.1\r\nHost: evil.example:8000"
                                 "\r\nOrigin: http://evil.example:8000\r\nContent-Type: application/json", b"{}")
    assert status == 403 and "--allow-host evil.example" in answer["error"]


@pytest.mark.parametrize("path", ["/", "/index.html", "/live.js", "/assets/demos.js", "/cells.json", "/api/cells",
                                  "/api/jobs/nope/events"])
def test_waitress_refuses_a_rebound_host_on_pages_and_api(server, path):
    status, answer = raw(server, f"GET {path} HTTP/1.1\r\nHost: evil.example:8000")
    assert status == 403 and "--allow-host evil.example" in answer["error"]


@pytest.mark.parametrize("host", ["127.0.0.1:PORT", "localhost:PORT", "[::1]:PORT", "talk.lan:PORT"])
def test_waitress_answers_loopback_and_allow_host_names(server, host):
    assert raw(server, f"GET / HTTP/1.1\r\nHost: {host}")[0] == 200


def test_waitress_runs_the_same_request_from_loopback(server):
    status, job = raw(server, "POST /api/cells/countdown-sequential/runs HTTP/1.1\r\nHost: 127.0.0.1:PORT"
                              "\r\nOrigin: http://127.0.0.1:PORT\r\nContent-Type: application/json", b"{}")
    assert status == 202
    wait_done(lambda: json.load(urllib.request.urlopen(server + job["status_url"], timeout=10)))


def test_waitress_answers_a_request_without_host_with_400(server):
    status, answer = raw(server, "GET / HTTP/1.0")
    assert status == 400 and "no Host header" in answer["error"]
