"""The runner, measured from outside: statuses, limits, timelines, interpreters."""
import json
import subprocess
import sys

import pytest

from deck.cells import collect_cells
from deck.fences import find_fences
from demos import interpreters, manifest
from demos.params import coerce
from demos.request import check_request
from demos.runner import run_cell
from demos.sampler import per_cent, shares
from tests.conftest import ROOT, installed

DECK = manifest.cells_by_id(manifest.load())


def cell(source, timeout=10, memory=512):
    """A cell parsed as the deck's are, for code that is not in the deck (runaways)."""
    lines = [f"```python {{#test .demo timeout={timeout} memory={memory}}}", *source.split("\n"), "```"]
    return collect_cells(find_fences(lines, "test.md"), "test.md")[0]


def measure(cell, **request):
    """Check the request as the CLI and the server do, then run it."""
    return run_cell(check_request(cell, **request))


def interpreter(wanted):
    """The name of an interpreter found here by selector (`2.7`), or the test is skipped saying what is missing."""
    try:
        return interpreters.resolve(wanted)["name"]
    except LookupError as error:
        pytest.skip(str(error))


def alive(pid):
    """Running, not a zombie waiting for init to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in "ZX"
    except FileNotFoundError:
        return False


def only_run(result):
    assert len(result["runs"]) == 1
    return result["runs"][0]


RUNAWAYS = {
    "infinite-loop": ("while True: pass", "timeout"),
    "10-GB-allocation": ("x = bytearray(10 * 2**30)", "killed: memory"),
    "heap-growth": ("x = []\nwhile True: x.append(bytearray(2**20))", "killed: memory"),
    "100-MB-output": ("import sys\nwhile True: sys.stdout.write('x' * 65536)", "killed: output"),
    "fork-bomb": ("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
                  "killed: processes"),
    "thread-bomb": ("import threading, time\nwhile True:\n    try:\n        threading.Thread(target=time.sleep, "
                    "args=(60,)).start()\n    except BaseException:\n        pass", "killed: processes"),
    "exit-3": ("raise SystemExit(3)", "error"),
}
# Jython has no os.fork, and its bytearray cannot even be asked for 10 GB (OverflowError): its heap grows instead
CPYTHON_RUNAWAYS = ["infinite-loop", "10-GB-allocation", "100-MB-output", "fork-bomb", "exit-3"]
JYTHON_RUNAWAYS = ["infinite-loop", "heap-growth", "100-MB-output", "thread-bomb", "exit-3"]


def started_ahead(source_cell, python, ahead):
    """With ahead, a standby waits for runs like source_cell's (started by an empty cell's run), so the run
    measured next goes through it; containment must hold there exactly as for a cold start."""
    if ahead:
        warm = cell("pass", timeout=source_cell["timeout"], memory=source_cell["memory_mb"])
        run_cell(check_request(warm, python=python, repeat=1), keep_ready=True)
    run = only_run(measure(source_cell, python=python))
    assert run["standby"] is ahead
    return run


@pytest.mark.parametrize("ahead", [False, True], ids=["cold", "standby"])
@pytest.mark.parametrize("python, runaway", [(None, name) for name in CPYTHON_RUNAWAYS]
                         + [("pypy", name) for name in CPYTHON_RUNAWAYS + ["heap-growth"]]
                         + [("jython", name) for name in JYTHON_RUNAWAYS],
                         ids=lambda value: value or "cpython")
def test_runaway_cells_are_stopped_and_reported(python, runaway, ahead):
    # the JVM takes seconds to start on a loaded machine: only the infinite loop should meet the timeout
    timeout = 20.0 if python == "jython" and runaway != "infinite-loop" else 3.0
    python = python and installed(python)
    source, status = RUNAWAYS[runaway]
    run = started_ahead(cell(source, timeout=timeout), python, ahead)
    assert run["status"] == status, run["stderr"]
    # the runner keeps working afterwards, and nothing of the runaway is left
    assert only_run(measure(cell("print('still here')"), python=python))["stdout"] == "still here\n"


def test_runners_in_two_processes_take_turns():
    """One run at a time on the machine, whoever asks (server, CLI, tests): timings never overlap."""
    stamped = cell("import time\nstart = time.time()\ntime.sleep(0.2)\nprint('%r %r' % (start, time.time()))")
    script = ("import json, sys\nfrom demos.request import check_request\nfrom demos.runner import run_cell\n"
              "for run in run_cell(check_request(json.loads(sys.argv[1]), repeat=3))['runs']: print(run['stdout'], end='')")
    other = subprocess.Popen([sys.executable, "-c", script, json.dumps(stamped)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    ours = [run["stdout"] for run in measure(stamped, repeat=3)["runs"]]
    theirs = other.communicate(timeout=60)[0].splitlines()
    spans = sorted(tuple(map(float, line.split())) for line in ours + theirs)
    assert len(spans) == 6
    assert all(earlier[1] <= later[0] for earlier, later in zip(spans, spans[1:]))


@pytest.mark.parametrize("ahead", [False, True], ids=["cold", "standby"])
@pytest.mark.parametrize("python", [None, "pypy"], ids=["cpython", "pypy"])
def test_a_timeout_kills_the_whole_process_group(python, ahead):
    source = "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\nwhile True: pass"
    run = started_ahead(cell(source, timeout=2.0), python and installed(python), ahead)
    assert run["status"] == "timeout"
    children = [t["pid"] for t in run["timeline"]["threads"] if t["role"] == "process"]
    assert children and not any(alive(pid) for pid in children)


def test_output_is_capped_with_a_visible_marker():
    run = only_run(measure(cell("print('y' * 200000)")))
    assert run["status"] == "ok" and run["truncated"]
    assert "output truncated" in run["stdout"] and len(run["stdout"]) < 70000


def test_run_json_shape():
    result = measure(DECK["countdown-threads"], repeat=2, params={"TOTAL_WORK": 200000})
    assert set(result) >= {"cell", "interpreter", "machine", "runs", "summary", "params", "recorded_at"}
    assert set(result["interpreter"]) >= {"name", "version", "implementation", "gil_enabled"}
    assert "path" not in result["interpreter"]  # results name interpreters; where they are is this host's business
    assert set(result["machine"]) >= {"cpu_model", "cores", "memory_gb", "os", "kernel"}
    for run in result["runs"]:
        assert set(run) >= {"wall_s", "cell_s", "user_s", "sys_s", "max_rss_kb", "exit_code", "stdout",
                            "stderr", "timeline", "voluntary_ctxt", "involuntary_ctxt"}
        assert run["status"] == "ok" and 0 < run["cell_s"] < run["wall_s"]
    assert set(result["summary"]) >= {"median_cell_s", "min_cell_s", "max_cell_s", "median_wall_s", "cpu_utilisation"}
    assert result["summary"]["min_cell_s"] <= result["summary"]["median_cell_s"] <= result["summary"]["max_cell_s"]


def seen_in_one_of(attempts, take, holds):
    """Whether `holds` is true of one of a few measurements: other work on this shared machine can
    take a core away for a whole run, which hides a behaviour but never fakes one."""
    values = []
    for _ in range(attempts):
        values.append(take())
        if holds(values[-1]):
            return True
    raise AssertionError(f"not seen in {attempts} runs: {values}")


def test_gil_releasing_extension_keeps_both_threads_on_cpu_at_once():
    def shared():
        run = only_run(measure(DECK["native-threads"], repeat=1, params={"TOTAL_WORK": 2 * 10**9}))
        assert run["timeline"]["source"] == "schedstat"
        assert [t["role"] for t in run["timeline"]["threads"]].count("worker") == 2
        return run["timeline"]["overlap"]  # the share of the timed region both were on CPU at once
    assert seen_in_one_of(3, shared, lambda shared: shared > 0.1)


def test_a_timeline_is_each_threads_share_of_fixed_intervals_in_per_cent():
    run = only_run(measure(DECK["countdown-threads"], repeat=1, params={"TOTAL_WORK": 2_000_000}))
    timeline = run["timeline"]
    assert timeline["step_s"] == 0.001 and timeline["intervals"] * timeline["step_s"] >= timeline["cell_end_s"]
    for thread in timeline["threads"]:
        assert all(isinstance(v, int) and v <= 100 for v in thread["on_cpu"])
        share = shares(thread["on_cpu"])
        assert len(share) == timeline["intervals"]
        # never more than the thread's CPU time (but rounding); less where the kernel booked more in one
        # sample than its intervals hold (a thread first seen after it had run: drawn full, as before)
        assert sum(share) * timeline["step_s"] <= thread["cpu_s"] + 0.005 * timeline["step_s"] * len(share)
    workers = [t for t in timeline["threads"] if t["role"] == "worker"]
    assert len(workers) == 2 and all(max(shares(t["on_cpu"])) > 0.5 for t in workers)
    assert sum(sum(shares(t["on_cpu"])) * timeline["step_s"] for t in workers) >= 0.5 * sum(t["cpu_s"] for t in workers)


def test_per_cent_intervals_from_samples():
    # samples ending at 1.5, 3, 4.2 and 10 ms: busy, half busy, idle, one sixth busy
    assert per_cent([0.0015, 0.003, 0.0042, 0.01], [0.0015, 0.00075, 0.0, 0.001], 0.001, 10) == \
        [100, 75, 50, 0, 14, 17, 17, 17, 17, 17]
    assert per_cent([0.005], [0.0], 0.001, 5) == [-5]  # a run of idle intervals is one number
    assert shares([50, -3, 100]) == [0.5, 0.0, 0.0, 0.0, 1.0]


def test_gil_holding_threads_take_turns():
    run = only_run(measure(DECK["native-threads-holding-gil"], repeat=1, params={"TOTAL_WORK": 10**9}))
    assert run["timeline"]["overlap"] < 0.02
    assert (run["user_s"] + run["sys_s"]) / run["wall_s"] < 1.3


def test_the_old_gil_switches_far_more_often_than_the_new():
    old = interpreter("cpython-2.7")

    def switches():
        return [measure(DECK["countdown-threads"], python=python, repeat=1, params={"TOTAL_WORK": 2 * 10**6})
                ["summary"]["voluntary_ctxt"] for python in (old, None)]
    assert seen_in_one_of(3, switches, lambda switches: switches[0] > 5 * switches[1])


@pytest.mark.parametrize("version", ["2.7", "3.6"])
def test_the_wrapper_runs_unchanged_on_old_interpreters(version):
    result = measure(DECK["thread-class"], python=interpreter(f"cpython-{version}"), repeat=1)
    run = only_run(result)
    assert run["status"] == "ok", run["stderr"]
    assert "got foo=42" in run["stdout"] and "says hello to PyCon" in run["stdout"]
    assert result["interpreter"]["version"].startswith(version + ".")


def test_cpp_cells_compile_once_and_run():
    first = only_run(measure(DECK["cpp-threads"], repeat=1))
    assert first["status"] == "ok" and "two C++ threads" in first["stdout"]
    assert len([t for t in first["timeline"]["threads"] if t["cpu_s"] > 0.01]) >= 2


def test_native_cells_only_run_where_the_extension_is_built():
    with pytest.raises(ValueError, match="native extension"):
        check_request(DECK["refcount-race"], python=interpreter("2.7"))


def test_the_race_cell_loses_updates_and_the_atomic_one_does_not():
    race = measure(DECK["refcount-race"], repeat=5, params={"ITERATIONS": 10**7})
    atomic = measure(DECK["refcount-atomic"], repeat=3, params={"ITERATIONS": 10**7})
    assert any("is 0" not in run["stdout"] for run in race["runs"])
    assert all(run["stdout"].strip().endswith("is 0") for run in atomic["runs"])


@pytest.mark.parametrize("raw, message", [
    ({"TOTAL_WORK": "abc"}, "expected int"),
    ({"TOTAL_WORK": 1}, "outside"),
    ({"TOTAL_WORK": 1.5}, "expected int"),
    ({"TOTAL_WORK": True}, "expected int"),
    ({"NOPE": 1}, "no parameter 'NOPE'"),
], ids=["text", "below-range", "float-for-int", "bool", "unknown"])
def test_bad_parameters_name_what_is_wrong(raw, message):
    with pytest.raises(ValueError, match=message):
        coerce(DECK["countdown-threads"], raw)


def test_interpreters_include_27_and_know_its_old_gil():
    old = interpreters.resolve(interpreter("cpython-2.7"))
    assert old["check_interval"] == 100 and old["switch_interval"] is None
    assert interpreters.find()[0]["default"]
