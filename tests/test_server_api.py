"""The run API through Flask's test client, against a real built deck and the real runner."""
import json
import sys
import threading
import time

import pytest

from deck.build import build
from demos import interpreters
from server import create_app

ORIGIN = "http://localhost"
TEST_DECK = '''# Test deck

```python {#nap .demo timeout=5 param-SECONDS="float 0.3 0.01..2"}
import time
time.sleep(SECONDS)
```

```python {#forever .demo timeout=1}
while True:
    pass
```

```python {#setup .demo .hidden}
X = 1
```
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("deck")
    deck = root / "deck.md"
    deck.write_text(TEST_DECK)
    build(str(deck), str(root / "site"))
    return root


@pytest.fixture
def app(site):
    return create_app({"SITE_DIR": str(site / "site"), "RESULTS_DIR": str(site / "results"), "QUEUE_MAX": 3})


@pytest.fixture
def client(app):
    return app.test_client()


def post(client, cell, body=None, **headers):
    headers.setdefault("Origin", ORIGIN)
    return client.post(f"/api/cells/{cell}/runs", json=body if body is not None else {}, headers=headers)


def wait_done(client, job, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = client.get(f"/api/jobs/{job}").get_json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job} did not finish")


def test_a_run_is_accepted_and_finishes_with_the_documented_result(client):
    answer = post(client, "nap", {"params": {"SECONDS": 0.05}, "repeat": 2})
    assert answer.status_code == 202
    body = answer.get_json()
    assert set(body) >= {"job", "status_url", "events_url"}
    status = wait_done(client, body["job"])
    assert status["status"] == "done"
    result = status["result"]
    assert result["cell"] == "nap" and len(result["runs"]) == 2 and result["summary"]["median_cell_s"] >= 0.05


def test_events_stream_queued_started_progress_done(client):
    job = post(client, "nap", {"params": {"SECONDS": 0.02}}).get_json()
    text = client.get(job["events_url"]).get_data(as_text=True)  # the stream ends after done
    names = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("event: ")]
    assert names[0] == "queued" and "started" in names and "progress" in names and names[-1] == "done"
    done = json.loads(text.strip().splitlines()[-1].split(": ", 1)[1])
    assert done["result"]["cell"] == "nap"


def test_the_last_result_is_offered_at_once_on_the_next_request(client):
    first = post(client, "nap", {"params": {"SECONDS": 0.03}}).get_json()
    wait_done(client, first["job"])
    again = post(client, "nap", {"params": {"SECONDS": 0.03}}).get_json()
    assert again["cached"]["source"] == "live" and again["cached"]["result"]["cell"] == "nap"
    wait_done(client, again["job"])


def test_identical_requests_are_coalesced(client):
    a = post(client, "nap", {"params": {"SECONDS": 0.4}}).get_json()
    b = post(client, "nap", {"params": {"SECONDS": 0.4}}).get_json()
    assert a["job"] == b["job"] and b["coalesced"]
    wait_done(client, a["job"])


def test_a_version_names_the_same_interpreter_as_its_full_name(client):
    try:
        old = interpreters.resolve("cpython-2.7")
    except LookupError as error:
        pytest.skip(str(error))
    a = post(client, "nap", {"python": "2.7", "params": {"SECONDS": 0.4}}).get_json()
    b = post(client, "nap", {"python": old["name"], "params": {"SECONDS": 0.4}}).get_json()
    assert a["job"] == b["job"] and b["coalesced"]  # one job: the key holds the resolved name
    status = wait_done(client, a["job"])
    assert status["interpreter"] == status["result"]["interpreter"]["name"] == old["name"]


def test_two_concurrent_runs_never_overlap(app):
    clients = [app.test_client(), app.test_client()]
    jobs = []

    def request(client, seconds):
        jobs.append(post(client, "nap", {"params": {"SECONDS": seconds}}).get_json()["job"])

    threads = [threading.Thread(target=request, args=(c, s)) for c, s in zip(clients, (0.3, 0.31))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first, second = sorted((wait_done(clients[0], job) for job in jobs), key=lambda s: s["started"])
    assert first["finished"] <= second["started"]


def test_a_full_queue_answers_429_and_a_burst_does_not_break_the_server(client):
    codes = [post(client, "nap", {"params": {"SECONDS": 0.01 + i / 1000}}).status_code for i in range(500)]
    assert codes.count(202) >= 3 and codes.count(429) > 400 and set(codes) <= {202, 429}
    assert client.get("/api/cells").status_code == 200


@pytest.mark.parametrize("body, message", [
    ({"source": "import os; os.system('id')"}, "unknown field 'source'"),
    ({"code": "print(1)"}, "unknown field 'code'"),
    ({"python": "/bin/sh"}, "no interpreter '/bin/sh'"),
    ({"python": sys.executable}, "no interpreter"),  # not even a path the host found: names only
    ({"python": ["python"]}, "python must be"),
    ({"params": {"SECONDS": "__import__('os')"}}, "parameter SECONDS"),
    ({"params": {"SECONDS": 99}}, "outside"),
    ({"params": {"PATH": "/etc/passwd"}}, "no parameter 'PATH'"),
    ({"params": "SECONDS=1"}, "params must be"),
    ({"repeat": 21}, "repeat must be an integer from 1 to 20"),
    ({"repeat": True}, "repeat must be"),
    ([1, 2], "JSON object"),
    ({"gil": "maybe"}, "gil must be one of on, off"),
    ({"gil": ["off"]}, "gil must be one of on, off"),
    ({"gil": "off"}, "has no GIL to switch"),  # the default interpreter is not a free-threaded build
], ids=["source", "code", "shell-as-python", "path-as-python", "python-list", "code-as-param", "out-of-range", "path-param",
        "params-string", "huge-repeat", "bool-repeat", "array", "gil-value", "gil-list", "gil-on-a-gil-build"])
def test_bad_requests_get_400_and_nothing_runs(client, body, message):
    answer = post(client, "nap", body)
    assert answer.status_code == 400 and message in answer.get_json()["error"]
    assert not client.application.extensions["runs"].jobs


def test_bad_json_is_400_and_non_json_is_415(client):
    bad = client.post("/api/cells/nap/runs", data="{not json", content_type="application/json", headers={"Origin": ORIGIN})
    assert bad.status_code == 400 and "error" in bad.get_json()
    form = client.post("/api/cells/nap/runs", data="params=1", headers={"Origin": ORIGIN})
    assert form.status_code == 415


def test_a_1_mb_body_is_refused_with_413(client):
    answer = client.post("/api/cells/nap/runs", data=json.dumps({"params": {"x": "a" * 2**20}}),
                         content_type="application/json", headers={"Origin": ORIGIN})
    assert answer.status_code == 413 and "error" in answer.get_json()


@pytest.mark.parametrize("cell", ["nope", "setup"], ids=["unknown", "hidden"])
def test_unknown_and_hidden_cells_are_404(client, cell):
    answer = post(client, cell)
    assert answer.status_code == 404 and "no demo cell" in answer.get_json()["error"]


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": ""}],
                         ids=["cross-origin", "no-origin"])
def test_runs_need_a_same_origin_request(client, headers):
    answer = post(client, "nap", **headers)
    assert answer.status_code == 403 and "Origin" in answer.get_json()["error"]


def test_with_a_token_runs_need_it(site):
    client = create_app({"SITE_DIR": str(site / "site"), "TOKEN": "s3cret"}).test_client()
    assert post(client, "nap").status_code == 403
    assert post(client, "nap", **{"X-Presenter-Token": "wrong"}).status_code == 403
    ok = post(client, "nap", {"params": {"SECONDS": 0.01}}, Authorization="Bearer s3cret")
    assert ok.status_code == 202
    wait_done(client, ok.get_json()["job"])


@pytest.mark.parametrize("url", ["/../pyproject.toml", "/%2e%2e/pyproject.toml", "/assets/../../README.md",
                                 "/vendor/%2e%2e/%2e%2e/deck.md", "/api/nope", "/api/jobs/nope"])
def test_traversal_and_unknown_urls_are_404_json(client, url):
    answer = client.get(url)
    assert answer.status_code == 404 and "error" in answer.get_json()


def test_wrong_method_is_405_json(client):
    answer = client.get("/api/cells/nap/runs")
    assert answer.status_code == 405 and "error" in answer.get_json()


def test_read_endpoints(client):
    cells = client.get("/api/cells").get_json()["cells"]
    assert [c["id"] for c in cells] == ["nap", "forever"] and cells[0]["runs_on"]
    assert client.get("/api/interpreters").get_json()["interpreters"][0]["default"]
    assert client.get("/api/machine").get_json()["cores"] >= 1
    assert client.get("/api/results").get_json() == {"results": [], "compare": {}}
    with client.get("/") as page:
        assert page.status_code == 200 and b"demo-cell" in page.data


def test_a_runaway_cell_fails_its_job_not_the_server(client):
    job = post(client, "forever").get_json()["job"]
    status = wait_done(client, job)
    assert status["status"] == "done" and status["result"]["runs"][0]["status"] == "timeout"
