"""The recorder's plan (record=, sweep-) and its interleaving of runs that are compared with each other."""
import pytest

from demos import interpreters, manifest
from demos.record import batches, plan, run_batch
from demos.request import check_request
from tests.test_deck_build import build

CELLS = manifest.load()["cells"]


@pytest.fixture(scope="module")
def planned():
    return [(run.cell["id"], run.interpreter["name"], run.params) for run in plan(CELLS)]


def test_record_all_runs_a_cell_on_every_suitable_interpreter(planned):
    found = [i["name"] for i in interpreters.find()]
    suits = [i["name"] for i in interpreters.find() if i["implementation"] == "CPython"]  # interpreters=cpython
    assert [name for cell, name, params in planned if cell == "uninterruptible"] == suits
    assert [name for cell, name, params in planned if cell == "io-threads"] == found[:1]  # no record=: the default
    assert [name for cell, name, params in planned if cell == "switch-interval" and params["INTERVAL"] == 0.005] == \
        [name for name in found if not name.startswith(("cpython-2.", "jython-2."))]  # interpreters=3


def test_a_sweep_runs_each_other_value_once_on_the_default_interpreter(planned):
    default = interpreters.find()[0]["name"]
    sweep = [(name, params["INTERVAL"]) for cell, name, params in planned if cell == "convoy" and params["INTERVAL"] != 0.005]
    assert sweep == [(default, value) for value in (0.0001, 0.001, 0.02)]  # 0.005 is the default


def test_compared_runs_take_turns(tmp_path):
    cells = [dict(cell, repeat=2) for cell in CELLS if cell["id"] in ("countdown-sequential", "countdown-threads")]
    default = interpreters.resolve()
    todo = [check_request(cell, params={"TOTAL_WORK": 100000}) for cell in cells]
    assert batches(todo) == [todo]  # one group, one interpreter
    order = []
    results = run_batch(todo, order.append)
    assert order == [f"{cell} on {default['name']}" for cell in ("countdown-sequential", "countdown-threads")] * 2
    assert [len(r["runs"]) for r in results] == [2, 2]
    assert all(r["summary"]["min_cell_s"] <= r["summary"]["max_cell_s"] for r in results)


@pytest.mark.parametrize("attrs, message", [
    ('record=perl', "record= is default, all or a selector: unknown implementation 'perl'"),
    ('sweep-N="1,2"', "sweep-N names no parameter"),
    ('param-N="int 5 1..10" sweep-N="1,20"', "sweep-N: parameter N: 20 is outside 1..10"),
], ids=["record-selector", "sweep-unknown-param", "sweep-out-of-range"])
def test_bad_record_and_sweep_attributes_are_deck_errors(tmp_path, attrs, message):
    deck = tmp_path / "deck.md"
    deck.write_text(f"# A\n\n```python {{#a .demo {attrs}}}\nx = 1\n```\n")
    done = build("--deck", str(deck), "--out", str(tmp_path / "site"))
    assert done.returncode == 2 and done.stderr.startswith(f"{deck}:3: cell a: {message}"), done.stderr
