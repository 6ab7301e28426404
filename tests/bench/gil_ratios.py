"""The talk's claims as ratios, measured side by side in one run through the real runner (`python -m demos run`)."""
import os
import resource
import statistics
import subprocess
import sys
import time

from demos import interpreters, manifest
from demos.request import check_request
from demos.runner import run_cell
from demos.sampler import shares

ROUNDS = 5
CELLS = manifest.cells_by_id(manifest.load())


def spread(values):
    return f"median {statistics.median(values):.2f} (min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"


def cell_s(cell_id, python=None, **params):
    result = run_cell(check_request(CELLS[cell_id], python=python, repeat=1, params=params))
    run = result["runs"][0]
    assert run["status"] == "ok", run["stderr"]
    return run


def countdown_ratio(python, label, target):
    ratios, switches = [], []
    for _ in range(ROUNDS):  # interleaved, so drift on a shared machine hits both sides alike
        seq = cell_s("countdown-sequential", python)
        thr = cell_s("countdown-threads", python)
        ratios.append(thr["cell_s"] / seq["cell_s"])
        switches.append(thr["voluntary_ctxt"])
    print(f"  countdown threads/sequential on {label}: {spread(ratios)}   target {target}")
    print(f"    voluntary context switches in the threaded run: median {statistics.median(switches):.0f}")


def speedup(slow_id, fast_id, label, target, **params):
    values, utilisation = [], []
    for _ in range(ROUNDS):
        slow, fast = cell_s(slow_id, **params), cell_s(fast_id, **params)
        values.append(slow["cell_s"] / fast["cell_s"])
        utilisation.append((fast["user_s"] + fast["sys_s"]) / fast["wall_s"])
    print(f"  {label}: {spread(values)}   target {target}")
    print(f"    CPU/wall of {fast_id}: {spread(utilisation)}")


def observer_cost():
    """What the 1 ms timeline sampler costs a cell that keeps both cores busy: it must wake on one of them."""
    import demos.runner as runner
    for period in (runner.SAMPLE_S, 0.01):
        saved, runner.SAMPLE_S = runner.SAMPLE_S, period
        try:
            values = [cell_s("countdown-sequential", TOTAL_WORK=40_000_000)["cell_s"]
                      / cell_s("countdown-processes", TOTAL_WORK=40_000_000)["cell_s"] for _ in range(ROUNDS)]
        finally:
            runner.SAMPLE_S = saved
        print(f"    processes speed-up with the timeline sampled every {period * 1000:g} ms: {spread(values)}")


def sampler_policy():
    """Threads ÷ sequential with the sampling thread as shipped (SCHED_BATCH: it does not preempt the cell
    when it wakes) and as a normal thread, taking turns: on a busy host the normal one preempts the
    single-threaded cell hundreds of times a run and flatters the threads."""
    import demos.runner as runner
    shipped = runner.yield_to_cell
    for label, policy in (("batch (shipped)", shipped), ("normal", lambda: (lambda: None))):
        runner.yield_to_cell = policy
        try:
            pairs = [(cell_s("countdown-sequential"), cell_s("countdown-threads")) for _ in range(ROUNDS)]
        finally:
            runner.yield_to_cell = shipped
        print(f"    sampler {label}: threads/sequential {spread([t['cell_s'] / s['cell_s'] for s, t in pairs])}, "
              f"involuntary switches of the sequential run "
              f"{statistics.median(s['involuntary_ctxt'] for s, _ in pairs):.0f}")


def io_threads():
    values = [cell_s("io-threads", DELAY=0.2)["cell_s"] for _ in range(ROUNDS)]
    print(f"  two 0.2 s blocking reads in threads: {spread(values)} s   target <= 0.25 s")


def refcount():
    race = [int(cell_s("refcount-race")["stdout"].split()[-1]) for _ in range(10)]
    atomic = [int(cell_s("refcount-atomic")["stdout"].split()[-1]) for _ in range(10)]
    print(f"  refcount race non-zero: {sum(v != 0 for v in race)}/10 (values {race})   target >= 9/10")
    print(f"  atomic refcount zero: {sum(v == 0 for v in atomic)}/10   target 10/10")


def convoy():
    """Median echo round trip beside a CPU-bound thread over the same alone (the new GIL's convoy effect)."""
    values = []
    for _ in range(ROUNDS):
        emitted = cell_s("convoy")["values"]  # microseconds, as the cell emits them
        alone, beside_thread, beside_process = (emitted[k] for k in ("alone", "beside_thread", "beside_process"))
        values.append(beside_thread / alone)
    print(f"  convoy: round trip beside a CPU thread / alone: {spread(values)}   target >= 10x "
          f"(last: alone {alone:.0f} us, beside a thread {beside_thread:.0f} us, beside a process {beside_process:.0f} us)")


def bursts():
    """Median length of a thread's uninterrupted on-CPU run in the two-thread countdown, vs the switch interval."""
    run = cell_s("countdown-threads", TOTAL_WORK=20_000_000)
    timeline, lengths = run["timeline"], []
    step = timeline["step_s"]
    for thread in timeline["threads"]:
        if thread["role"] != "worker":
            continue
        start = None
        for i, share in enumerate(shares(thread["on_cpu"])):
            busy = share > 0.5
            if busy and start is None:
                start = i * step
            elif not busy and start is not None:
                lengths.append(i * step - start)
                start = None
    print(f"  timeline burst length under the GIL: median {statistics.median(lengths) * 1000:.1f} ms over "
          f"{len(lengths)} bursts; sys.getswitchinterval() = {sys.getswitchinterval() * 1000:.1f} ms")


def overhead():
    """`demos run` of an empty cell (parent, sampler, wrapper) vs a bare `python -c pass`."""
    empty = {**CELLS["getrefcount"], "id": "empty", "source": "pass", "params": {}}
    request = check_request(empty, repeat=1)
    run_cell(request)  # warm-up: the interpreter's facts, the spawner thread
    bare, runner = [], []
    for _ in range(ROUNDS * 4):  # interleaved pairs
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        run_cell(request)
        runner.append(time.perf_counter() - started)
    print(f"  runner overhead, empty cell vs bare `python -c pass`: "
          f"{statistics.median(runner) / statistics.median(bare):.2f}x (runner {spread([t * 1000 for t in runner])} ms, "
          f"bare {spread([t * 1000 for t in bare])} ms)   target <= 1.3")


def machine_busy_s():
    """CPU seconds the whole machine has spent busy (every process), from /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:8]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle and iowait


def our_cpu_s():
    """CPU seconds of this bench and every cell it ran (children are counted once reaped)."""
    return sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))


def main():
    started, busy, ours = time.time(), machine_busy_s(), our_cpu_s()
    countdown_ratio(None, "the venv's Python", ">= 0.9 (not faster)")
    try:
        countdown_ratio(interpreters.resolve("cpython-2.7")["name"], "Python 2.7 (old GIL)", ">= 1.3 (slower)")
    except LookupError as error:
        print(f"  countdown on Python 2.7 (old GIL): skipped, {error}")
    speedup("countdown-sequential", "countdown-processes", "processes speed-up over sequential", ">= 1.8x",
            TOTAL_WORK=100_000_000)  # the most the cell allows: starting two processes is not the story
    observer_cost()
    sampler_policy()
    speedup("native-sequential", "native-threads", "native threads speed-up over native sequential", ">= 1.9x")
    speedup("native-sequential", "native-threads-holding-gil", "native threads holding the GIL, speed-up", "~ 1x")
    io_threads()
    refcount()
    convoy()
    bursts()
    overhead()
    others = (machine_busy_s() - busy) - (our_cpu_s() - ours)
    print(f"  other work on this machine meanwhile: {others / (time.time() - started):.2f} of {os.cpu_count()} cores "
          "on average (it lowers the parallel figures)")
