"""A second deck with cells of its own builds, lists, runs and records through the CLI, and runs through the
server, with no change to the code: what the talk needs is in its deck, not in the code."""
import json
import os
import subprocess
import sys

import pytest

from deck.build import Builder
from demos import interpreters, manifest
from demos.request import suitable
from server import create_app
from tests.conftest import ROOT
from tests.test_server_api import wait_done

DECK = os.path.join(ROOT, "tests", "decks", "sums.md")


def demos(*args):
    done = subprocess.run([sys.executable, "-m", "demos", "--deck", DECK, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """The second deck recorded here, then built with that recording."""
    root = tmp_path_factory.mktemp("sums")
    demos("record", "--out", str(root / "results" / "here.json"))
    Builder(DECK, str(root / "site"), results_dir=str(root / "results")).build()
    return root


def test_list_shows_its_own_cells():
    ids = [line.split()[0] for line in demos("list").splitlines()]
    assert ids == ["sum-alone", "sum-pair", "sum-cpp"]


def test_run_through_the_cli():
    result = json.loads(demos("run", "sum-pair", "--param", "N=1000", "--repeat", "1", "--json"))
    assert result["cell"] == "sum-pair" and result["runs"][0]["status"] == "ok"


def test_record_follows_the_decks_record_attribute(recorded):
    data = json.loads((recorded / "results" / "here.json").read_text())
    on = {cell: [r["interpreter"]["name"] for r in data["results"] if r["cell"] == cell] for cell in ("sum-alone", "sum-pair")}
    suited = [interp["name"] for interp in suitable(manifest.cells_by_id(manifest.load(DECK))["sum-alone"])]
    assert on["sum-alone"] == suited  # record=all: every interpreter found that the cell suits
    assert on["sum-pair"] == suited[:1]  # the default only
    assert "/" not in json.dumps([r["interpreter"] for r in data["results"]])


def test_the_build_shows_its_baselines_and_comparisons(recorded):
    site = recorded / "site"
    cells = json.loads((site / "cells.json").read_text())
    assert [c["id"] for c in cells["cells"]] == ["sum-setup", "sum-alone", "sum-pair", "sum-cpp"]
    assert {"index.html", "cells.json", "results/sum-alone.js"} <= set(cells["fresh"])
    html = (site / "index.html").read_text()
    assert "<th>sum-alone</th>" in html and "sum-pair<br><small>speed-up over sum-alone" in html
    # one script per demo cell, which its slide loads: its results and side-by-side options
    assert sorted(os.listdir(site / "results")) == ["sum-alone.js", "sum-cpp.js", "sum-pair.js"]
    script = (site / "results" / "sum-alone.js").read_text().splitlines()
    compare = json.loads(script[1].split(" = ", 1)[1].rstrip(";"))
    recorded = json.loads(script[2].split(", ", 1)[1].rstrip(");"))
    assert {r["cell"] for r in recorded} == {"sum-alone"}
    if any(name.startswith("cpython-2.7") for name in (i["name"] for i in interpreters.find())):
        (option,) = compare
        assert option["name"] == "then-now" and option["interpreters"][0].startswith("cpython-2.7")


def test_run_through_the_server(recorded):
    client = create_app({"SITE_DIR": str(recorded / "site"), "RESULTS_DIR": str(recorded / "results")}).test_client()
    listed = {cell["id"]: cell for cell in client.get("/api/cells").get_json()["cells"]}
    assert list(listed) == ["sum-alone", "sum-pair", "sum-cpp"]
    assert listed["sum-cpp"]["runs_on"][0].startswith("g++-")
    post = lambda cell, body: client.post(f"/api/cells/{cell}/runs", json=body, headers={"Origin": "http://localhost"})
    answer = post("sum-pair", {"params": {"N": 20000}, "repeat": 2})
    assert answer.status_code == 202
    assert answer.get_json()["cached"]["source"] == "recorded"  # from this deck's own recording
    assert wait_done(client, answer.get_json()["job"], timeout=60)["result"]["runs"][0]["status"] == "ok"
    refused = post("sum-cpp", {"python": "3"})
    assert refused.status_code == 400 and "takes no Python interpreter" in refused.get_json()["error"]
