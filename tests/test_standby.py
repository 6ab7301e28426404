"""Standby interpreters (demos/standby.py): started ahead, contained, used once, replaced when stale."""
import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from demos import interpreters, paths, standby
from demos.containment import CGROUP_PARENT, MACHINE_LOCK, limits
from demos.request import check_request
from demos.runner import MAX_PROCESSES, run_cell
from tests.conftest import installed
from tests.test_demos_runner import alive, cell, only_run

# a memory= no deck cell has: these tests' standbys are told apart from any that another part of this test
# process keeps ready (a server test's worker still finishing its last job)
MEMORY = 384
EMPTY = cell("print('ran')", memory=MEMORY)


def address_limit(pid):
    try:
        with open(f"/proc/{pid}/limits") as f:
            return int(next(line.split()[3] for line in f if line.startswith("Max address space")))
    except FileNotFoundError:  # gone meanwhile
        return None


def waiting():
    """The standbys waiting for runs of these tests."""
    ours = {limits(impl, MEMORY, MAX_PROCESSES).address_mb * 2**20 for impl in ("CPython", "PyPy", "Jython")}
    return [pid for pid in standby.waiting() if address_limit(pid) in ours]


def pid_of(run):
    return run["timeline"]["threads"][0]["pid"]  # the run's own process comes first


def run(python=None, keep_ready=False, memory=MEMORY, request=None, **options):
    request = request or check_request(cell("print('ran')", memory=memory), python=python, repeat=1, **options)
    result = only_run(run_cell(request, keep_ready=keep_ready))
    assert result["status"] == "ok" and result["stdout"] == "ran\n", result["stderr"]
    return result


@pytest.fixture(autouse=True)
def no_standby_left():
    """Each test starts, and leaves, with no standby waiting."""
    standby.close_all()
    yield
    standby.close_all()


@pytest.mark.parametrize("python", [None, "cpython-2.7", "pypy", "jython"])
def test_each_run_is_a_fresh_process_and_the_next_one_waits_ready(python):
    python = python and installed(python)
    runs = run_cell(check_request(EMPTY, python=python, repeat=3))["runs"]
    assert [r["standby"] for r in runs] == [False, True, True]  # the first could not have been started ahead
    assert all(r["status"] == "ok" and r["stdout"] == "ran\n" for r in runs), [r["stderr"] for r in runs]
    pids = [pid_of(r) for r in runs]
    assert len(set(pids)) == 3 and not any(alive(pid) for pid in pids)
    assert waiting() == []  # after the last run, only a caller that keeps one ready gets one
    # the clock of a run through a standby counts its start-up, not its wait: as a cold start would
    assert all(r["wall_s"] > r["timeline"]["cell_start_s"] > 0 for r in runs)


def test_a_waiting_standby_is_contained_and_gives_its_turn_back():
    first = run(keep_ready=True)
    [pid] = waiting()
    assert pid != pid_of(first) and alive(pid)
    assert os.getpgid(pid) == pid  # its own process group, which a kill takes whole
    assert address_limit(pid) == MEMORY * 2**20
    if CGROUP_PARENT:
        with open(f"/proc/{pid}/cgroup") as f:
            assert "/gil-demos/runs-" in f.read()
    # it waits outside the machine's turn: another process gets one meanwhile (once any run elsewhere has ended)
    take = "import fcntl, os, sys; fcntl.flock(os.open(sys.argv[1], os.O_RDONLY), fcntl.LOCK_EX)"
    subprocess.run([sys.executable, "-c", take, MACHINE_LOCK], check=True, timeout=120)
    assert alive(pid)
    second = run()
    assert second["standby"] and pid_of(second) == pid and not alive(pid)
    assert waiting() == []


def test_a_standby_is_never_used_twice():
    pids = []
    for _ in range(3):
        result = run(keep_ready=True)
        pids.append(pid_of(result))
    assert len(set(pids)) == 3
    assert [pid for pid in waiting() if pid in pids] == []


def copy_of_python(tmp_path):
    """A copy of this interpreter's binary (it finds its library by its built-in prefix), or skip."""
    copy = tmp_path / "python"
    shutil.copy2(os.path.realpath(sys.executable), copy)
    if subprocess.run([str(copy), "-c", "import json"], capture_output=True).returncode:
        pytest.skip("a copy of this interpreter does not run from another folder")
    return str(copy)


@pytest.mark.parametrize("changed", ["wrapper", "interpreter"])
def test_a_standby_made_stale_is_killed_and_never_used(changed, tmp_path, monkeypatch):
    wrapper = tmp_path / "wrapper.py"
    shutil.copy2(paths.WRAPPER, wrapper)
    monkeypatch.setattr(paths, "WRAPPER", str(wrapper))
    interp = dict(interpreters.resolve(None), path=copy_of_python(tmp_path))
    request = dataclasses.replace(check_request(EMPTY, repeat=1), interpreter=interp)
    run(request=request, keep_ready=True)
    [old] = waiting()
    edited = str(wrapper) if changed == "wrapper" else interp["path"]
    os.utime(edited, ns=(os.stat(edited).st_atime_ns, os.stat(edited).st_mtime_ns + 10**9))  # a rebuild, an upgrade
    after = run(request=request, keep_ready=True)
    assert not after["standby"] and not alive(old)
    [new] = waiting()
    assert new != old and run(request=request)["standby"]


def test_a_standby_that_died_is_not_used():
    run(keep_ready=True)
    [pid] = waiting()
    os.kill(pid, signal.SIGKILL)
    while alive(pid):  # dead (a zombie until the runner reaps it)
        time.sleep(0.01)
    after = run()
    assert not after["standby"] and pid_of(after) != pid


@pytest.mark.parametrize("other", [{"memory": 256}, {"python": "cpython-2.7"}], ids=["limits", "interpreter"])
def test_a_run_of_another_kind_starts_cold_and_the_standby_keeps_waiting(other):
    if "python" in other:
        other = {"python": installed(other["python"])}
    run(keep_ready=True)
    [pid] = waiting()
    assert not run(**other)["standby"] and alive(pid)
    assert run()["standby"] and not alive(pid)


def test_a_runaway_beside_a_waiting_standby_leaves_it_alone():
    """A cold run's kill (process group, cgroup) takes its own processes only, not a standby waiting."""
    run(keep_ready=True)
    [pid] = waiting()
    bomb = cell("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
                timeout=3.0, memory=256)
    assert only_run(run_cell(check_request(bomb, repeat=1)))["status"] == "killed: processes"
    assert alive(pid) and run()["standby"]


def test_gil_standby_0_starts_every_run_cold(monkeypatch):
    monkeypatch.setenv(standby.SWITCH, "0")
    runs = run_cell(check_request(EMPTY, repeat=2), keep_ready=True)["runs"]
    assert [r["standby"] for r in runs] == [False, False] and waiting() == []
