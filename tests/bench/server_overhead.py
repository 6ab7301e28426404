"""The live server: Run → result overhead vs `python -m demos run`, and cell time with 100 viewers vs idle."""
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from tests.conftest import ROOT
from tests.live_server import live_server

CELL, PARAMS = "countdown-sequential", {"TOTAL_WORK": 5_000_000}
ROUNDS = 5
LOAD_PARAMS, LOAD_ROUNDS = {"TOTAL_WORK": 20_000_000}, 9  # a longer cell and more rounds: a 5 % effect is small


def through_server(url, params=PARAMS):
    """POST a run and follow its events to `done`, as the slide does; returns (seconds, result)."""
    started = time.perf_counter()
    request = urllib.request.Request(f"{url}/api/cells/{CELL}/runs", method="POST",
                                     data=json.dumps({"params": params, "repeat": 1}).encode(),
                                     headers={"Content-Type": "application/json", "Origin": url})
    with urllib.request.urlopen(request) as answer:
        job = json.load(answer)
    with urllib.request.urlopen(url + job["events_url"]) as stream:
        for line in stream:
            if line.startswith(b"data: ") and b'"result"' in line:
                return time.perf_counter() - started, json.loads(line[6:])["result"]
    raise RuntimeError("no result")


def through_cli():
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "demos", "run", CELL, "--repeat", "1", "--param",
                           f"TOTAL_WORK={PARAMS['TOTAL_WORK']}", "--json"], cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def get(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        answer.read()


def viewers(url, stop, count=100):
    """Viewers that load the deck, then poll the API once a second, until told to stop (loopback only)."""
    def viewer():
        for path in ("/", "/cells.js", f"/results/{CELL}.js", "/live.js", "/api/cells", "/api/interpreters"):
            get(url + path)
        while not stop.wait(1.0):
            get(url + "/api/machine")
    threads = [threading.Thread(target=viewer, daemon=True) for _ in range(count)]
    for t in threads:
        t.start()
    return threads


def spread(values, unit="s"):
    return (f"median {statistics.median(values):.3f} {unit} (min {min(values):.3f}, max {max(values):.3f}, "
            f"n={len(values)})")


def main():
    with live_server() as url:
        server_s, cli_s = [], []
        for _ in range(ROUNDS):  # interleaved, side by side
            server_s.append(through_server(url)[0])
            cli_s.append(through_cli()[0])
        ratio = statistics.median(server_s) / statistics.median(cli_s)
        print(f"  Run → result through the server: {spread(server_s)}")
        print(f"  python -m demos run, same cell:   {spread(cli_s)}")
        print(f"  ratio server / CLI: {ratio:.2f}   target <= 1.3")

        idle, loaded = [], []
        for _ in range(LOAD_ROUNDS):
            idle.append(through_server(url, LOAD_PARAMS)[1]["summary"]["median_cell_s"])
            stop = threading.Event()
            threads = viewers(url, stop)
            time.sleep(2)  # every viewer has loaded the deck and is polling
            loaded.append(through_server(url, LOAD_PARAMS)[1]["summary"]["median_cell_s"])
            stop.set()
            for t in threads:
                t.join()
        change = statistics.median(loaded) / statistics.median(idle) - 1
        print(f"  cell time idle: {spread(idle)}; with 100 viewers polling: {spread(loaded)}")
        print(f"  change with 100 viewers: {change * 100:+.1f} %   target within 5 %")
