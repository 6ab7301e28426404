"""The real WSGI server: a runaway cell does not stop it answering; it refuses to expose itself without a token."""
import json
import subprocess
import sys
import time
import urllib.request

import pytest

from deck.build import build
from tests.conftest import ROOT
from tests.live_server import live_server
from tests.test_server_api import TEST_DECK


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    (root / "deck.md").write_text(TEST_DECK)
    build(str(root / "deck.md"), str(root / "site"))
    with live_server("--site", str(root / "site")) as url:
        yield url


def request(url, body=None, origin=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json", "Origin": origin or url.split("/api")[0]} if data else {}
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=10) as answer:
        return json.load(answer) if "json" in answer.headers["Content-Type"] else answer.read()


def test_other_requests_are_answered_while_a_runaway_cell_runs(server):
    job = request(f"{server}/api/cells/forever/runs", {})
    answered = []
    while request(f"{server}/api/jobs/{job['job']}")["status"] != "done":
        started = time.perf_counter()
        cells = request(f"{server}/api/cells")
        page = request(f"{server}/")
        answered.append(time.perf_counter() - started)
        assert cells["cells"] and b"reveal" in page
        time.sleep(0.05)
    assert len(answered) >= 3  # the timeout is 1 s: many answers came during the run
    result = request(f"{server}/api/jobs/{job['job']}")["result"]
    assert result["runs"][0]["status"] == "timeout"


def test_events_arrive_as_they_happen_through_waitress(server):
    job = request(f"{server}/api/cells/nap/runs", {"params": {"SECONDS": 1.0}})
    seen = []
    with urllib.request.urlopen(server + job["events_url"], timeout=10) as stream:
        for line in stream:
            if line.startswith(b"event: "):
                seen.append((line[7:].strip().decode(), time.perf_counter()))
            if seen and seen[-1][0] == "done":
                break
    names = [name for name, _ in seen]
    assert names[:2] == ["queued", "started"] and names[-1] == "done"
    started_at = dict(seen)["started"]
    assert dict(seen)["done"] - started_at > 0.9  # "started" was delivered before the 1 s nap ended


def test_binding_beyond_loopback_needs_a_token():
    done = subprocess.run([sys.executable, "-m", "server", "--host", "0.0.0.0", "--port", "1"], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "without --token" in done.stderr
