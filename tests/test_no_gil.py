"""Jython (no GIL) and PyPy (a GIL) beside CPython: found, labelled, timed, and their threads told apart.

No free-threaded CPython can be installed here: its labelling and GIL switch are checked against the
real interpreters there are, Jython as the one whose threads run Python at once."""
import pytest

from demos import interpreters, manifest, selectors
from tests.conftest import installed
from tests.test_demos_runner import measure, only_run, seen_in_one_of

DECK = manifest.cells_by_id(manifest.load())
PORTABLE = [c["id"] for c in DECK.values()
            if c["language"] == "python" and not c["hidden"] and not c["native"] and c["browser"] != "only"]


def by_name(name):
    return next(i for i in interpreters.find() if i["name"] == name)


def test_jython_and_pypy_are_found_and_labelled_by_their_lock():
    jython, pypy = by_name(installed("jython")), by_name(installed("pypy"))
    assert jython["name"].startswith("jython-2.7.") and jython["implementation"] == "Jython"
    assert pypy["name"].startswith("pypy-3.") and pypy["implementation"] == "PyPy"
    assert (interpreters.gil_label(jython), interpreters.gil_label(pypy)) == ("no GIL", "GIL")
    assert not jython["gil_enabled"] and jython["switch_interval"] is None and jython["check_interval"] is None
    assert pypy["gil_enabled"] and pypy["switch_interval"] > 0
    assert not jython["free_threaded"] and not pypy["free_threaded"]


def test_free_threaded_is_a_cpython_build_and_no_gil_is_the_behaviour():
    found = interpreters.find()
    no_gil, free = selectors.parse("no-gil"), selectors.parse("free-threaded")
    jython = by_name(installed("jython"))
    assert selectors.matches(no_gil, jython) and not selectors.matches(free, jython)
    for interp in found:  # a free-threaded build (3.13t) would be named and labelled as one, and only it
        assert interp["name"].endswith("t") == bool(interp["free_threaded"]) == selectors.matches(free, interp)
        assert interpreters.gil_label(interp).startswith("free-threaded") == bool(interp["free_threaded"])


@pytest.mark.parametrize("python", [None, "jython"], ids=["cpython", "jython"])
def test_the_gil_switch_is_refused_where_there_is_no_pythongil(python):
    with pytest.raises(ValueError, match="has no GIL to switch"):
        measure(DECK["countdown-threads"], python=python and installed(python), gil="off")


def test_jython_threads_run_python_at_once_where_cpython_threads_take_turns():
    """countdown-threads, the slide's code: on Jython both worker rows are on CPU in the same intervals and
    both want a CPU all along; on CPython (same test, same machine, same moment) they take turns and one
    sleeps while the other holds the GIL. Best of five rounds: other work on the shared cores can keep a
    thread off its CPU for a whole run, which hides overlap, never fakes it."""
    jython = installed("jython")
    seen = {}

    def side_by_side():
        seen["jython"] = only_run(measure(DECK["countdown-threads"], python=jython, repeat=1,
                                           params={"TOTAL_WORK": 100_000_000}))
        seen["cpython"] = only_run(measure(DECK["countdown-threads"], repeat=1, params={"TOTAL_WORK": 20_000_000}))
        return {name: (run["timeline"]["overlap"], run["timeline"]["runnable"]) for name, run in seen.items()}

    assert seen_in_one_of(5, side_by_side, lambda figures: figures["jython"][0] >= 0.2 and figures["cpython"][0] <= 0.1
                          and figures["jython"][1] >= 1.5 and figures["cpython"][1] <= 1.3)
    for name, gil in (("jython", False), ("cpython", True)):
        run = seen[name]
        assert run["status"] == "ok" and run["gil_enabled"] is gil
        roles = [t["role"] for t in run["timeline"]["threads"] if t["pid"] == run["timeline"]["threads"][0]["pid"]]
        assert roles.count("worker") == 2 and roles.count("main") == 1
    runtime = [t["name"] for t in seen["jython"]["timeline"]["threads"] if t["role"] == "runtime"]
    assert any(name.startswith(("GC ", "C1 ", "C2 ", "VM Thread")) for name in runtime), runtime
    assert "runtime" not in [t["role"] for t in seen["cpython"]["timeline"]["threads"]]
    # JVM start-up is outside the cell's timed region: the wall time shows it
    assert seen["jython"]["timeline"]["cell_start_s"] > 0.2 and seen["jython"]["wall_s"] > seen["jython"]["cell_s"]


@pytest.mark.parametrize("python", ["jython", "pypy"])
@pytest.mark.parametrize("cell_id", PORTABLE)
def test_deck_cells_run_where_they_declare_and_are_refused_elsewhere(cell_id, python):
    cell, interp = DECK[cell_id], by_name(installed(python))
    if not interpreters.suits(cell, interp):
        with pytest.raises(ValueError, match=f"does not run on {interp['name']}"):
            measure(cell, python=interp["name"], repeat=1)
        return
    smallest = {name: p["min"] for name, p in cell["params"].items() if p["type"] == "int"}
    run = only_run(measure(cell, python=interp["name"], repeat=1, params=smallest))
    assert run["status"] == "ok" and run["stderr"] == "", run["stderr"]  # a thread's traceback counts too
