"""Cells that start processes run under every multiprocessing start method the platform offers.

Forced one at a time (`check_request(start_method=...)`, GIL_MP_START for the wrapper) on the venv's Python:
fork (Linux's default before 3.14), forkserver (3.14's) and spawn (macOS's)."""
import multiprocessing
import textwrap

import pytest

from demos import manifest
from tests.test_demos_runner import cell, measure, only_run

DECK = manifest.cells_by_id(manifest.load())
METHODS = multiprocessing.get_all_start_methods()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("cell_id, params", [("countdown-processes", {"TOTAL_WORK": 2_000_000}),
                                             ("convoy", {"TRIPS": 20})])
def test_the_decks_process_cells_run_under_every_start_method(cell_id, params, method):
    run = only_run(measure(DECK[cell_id], repeat=1, params=params, start_method=method))
    assert run["status"] == "ok", run["stderr"]
    busy = [t for t in run["timeline"]["threads"] if t["role"] == "process" and t["cpu_s"] > 0]
    assert len(busy) >= 2  # the two countdowns; the echo server and the CPU process
    if cell_id == "convoy":
        assert set(run["values"]) >= {"alone", "beside_thread", "beside_process"}  # its emit()ted latencies


@pytest.mark.parametrize("method", METHODS)
def test_a_child_gets_the_cells_definitions_and_none_of_its_actions(method):
    source = textwrap.dedent("""\
        import multiprocessing
        print("the cell's body ran")
        LIMIT = 3

        def square(queue, n):
            queue.put((multiprocessing.current_process().name, n * n, LIMIT))

        queue = multiprocessing.Queue()
        child = multiprocessing.Process(target=square, args=(queue, 7), name="child")
        child.start()
        print(queue.get(timeout=30), multiprocessing.get_start_method())
        child.join()
        """)
    run = only_run(measure(dict(cell(source, timeout=30.0), interpreters=["3"]), start_method=method))
    assert run["status"] == "ok", run["stderr"]
    assert run["stdout"] == f"the cell's body ran\n('child', 49, 3) {method}\n"


def test_an_unknown_start_method_is_refused():
    with pytest.raises(ValueError, match="start method must be one of"):
        measure(DECK["countdown-processes"], start_method="vfork")
