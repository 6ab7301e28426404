"""Run one cell in a fresh process and measure it from the outside.

The parent measures what the cell cannot see of itself: wall time, rusage from
wait4 (CPU, peak RSS, context switches), capped output, and the per-thread
timeline; the wrapper reports only the cell's own timed region.
"""
import datetime
import json
import os
import selectors
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from demos import cpp, interpreters
from demos.containment import Containment
from demos.machine import fingerprint
from demos.params import coerce
from demos.sampler import Sampler, yield_to_cell

SAMPLE_S = 0.001
OUTPUT_KEPT = 64 * 1024           # bytes of each stream kept in the result
OUTPUT_FLOOD = 8 * 2**20          # more than this in all is a runaway: killed
MAX_PROCESSES = 64                # threads and processes of one run, via the pids cgroup
MEMORY_SIGNS = (b"MemoryError", b"std::bad_alloc", b"Cannot allocate memory", b"out of memory")


def _env(params, cell):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if cell["language"] == "cpp":
        env.update({name: str(value) for name, value in params.items()})
    return env


def _text(buffer, total):
    text = buffer.decode("utf-8", "replace")
    if total > len(buffer):
        text += f"\n[… output truncated: {total - len(buffer)} more bytes not shown]"
    return text


def _status(reason, code, stderr):
    if reason:
        return reason
    if code == 0:
        return "ok"
    if code == -signal.SIGKILL or any(sign in stderr for sign in MEMORY_SIGNS):
        return "killed: memory"
    return "error"


def run_once(cell, argv, params, workdir):
    """One measured run: returns the `runs[]` entry of the result."""
    box = Containment(cell["memory_mb"], MAX_PROCESSES)
    started = time.time()
    try:
        proc = box.spawn(subprocess.Popen, argv, cwd=workdir, env=_env(params, cell), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except BaseException:
        box.close()
        raise
    sampler = Sampler(proc.pid, started, box.tasks)
    unyield = yield_to_cell()  # after the spawn: the cell keeps the normal policy
    buffers = {proc.stdout: bytearray(), proc.stderr: bytearray()}
    totals = {proc.stdout: 0, proc.stderr: 0}
    selector = selectors.DefaultSelector()
    for stream in buffers:
        os.set_blocking(stream.fileno(), False)
        selector.register(stream, selectors.EVENT_READ)
    reason, exited, tick = None, None, 0
    deadline = started + cell["timeout"]
    try:
        while exited is None:
            now = time.time()
            if tick % 5 == 0:
                sampler.discover()
            sampler.sample(now)
            tick += 1
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                exited = (status, rusage)
                break
            if reason is None:
                if now > deadline:
                    reason = "timeout"
                elif tick % 10 == 0 and box.hit_process_limit():
                    reason = "killed: processes"
                elif sum(totals.values()) > OUTPUT_FLOOD:
                    reason = "killed: output"
                if reason:
                    box.kill(proc.pid)
            for key, _ in selector.select(timeout=max(0.0, now + SAMPLE_S - time.time())):
                _drain(key.fileobj, selector, buffers, totals)
        ended = time.time()
        box.kill(proc.pid)  # whatever the cell left behind (daemon children) goes with it
        while selector.get_map():
            for key, _ in selector.select(timeout=1.0) or [(None, None)]:
                if key is None:
                    selector.close()
                    break
                _drain(key.fileobj, selector, buffers, totals)
    finally:
        if exited is None:
            box.kill(proc.pid)
            _, status, rusage = os.wait4(proc.pid, 0)
            exited = (status, rusage)
            ended = time.time()
        proc.returncode = os.waitstatus_to_exitcode(exited[0])
        unyield()
        sampler.close()
        box.close()
        for stream in buffers:
            stream.close()
    status, rusage = exited
    code = proc.returncode
    stderr = bytes(buffers[proc.stderr])
    timing = _read_report(workdir)
    if timing is None and cell["language"] == "cpp" and code == 0:  # no wrapper: the binary's run is the cell
        timing = {"cell_s": ended - started, "start": started, "end": ended}
    cell_start = round(timing["start"] - started, 5) if timing else None
    cell_end = round(timing["end"] - started, 5) if timing else None
    return {
        "status": _status(reason, code, stderr),
        "wall_s": round(ended - started, 6),
        "cell_s": round(timing["cell_s"], 6) if timing else None,
        "user_s": round(rusage.ru_utime, 6), "sys_s": round(rusage.ru_stime, 6),
        "max_rss_kb": rusage.ru_maxrss,
        "voluntary_ctxt": rusage.ru_nvcsw, "involuntary_ctxt": rusage.ru_nivcsw,
        "exit_code": code,
        "stdout": _text(buffers[proc.stdout], totals[proc.stdout]),
        "stderr": _text(stderr, totals[proc.stderr]),
        "truncated": any(totals[s] > len(buffers[s]) for s in buffers),
        "containment": box.kind,
        "timeline": sampler.timeline(cell_start, cell_end),
        "values": timing.get("values", {}) if timing else {},  # emit(name, number) in the cell: for claims
    }


def _drain(stream, selector, buffers, totals):
    try:
        data = os.read(stream.fileno(), 65536)
    except BlockingIOError:
        return
    if not data:
        selector.unregister(stream)
        return
    totals[stream] += len(data)
    room = OUTPUT_KEPT - len(buffers[stream])
    if room > 0:
        buffers[stream] += data[:room]


def _read_report(workdir):
    try:
        with open(os.path.join(workdir, "report.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def summarise(runs):
    ok = [run for run in runs if run["status"] == "ok"] or runs
    cells = [run["cell_s"] for run in ok if run["cell_s"] is not None]
    median = lambda values: round(statistics.median(values), 6) if values else None
    return {
        "ok_runs": sum(run["status"] == "ok" for run in runs),
        "median_cell_s": median(cells), "min_cell_s": min(cells, default=None), "max_cell_s": max(cells, default=None),
        "median_wall_s": median([run["wall_s"] for run in ok]),
        "cpu_utilisation": median([(run["user_s"] + run["sys_s"]) / run["wall_s"] for run in ok if run["wall_s"]]),
        "voluntary_ctxt": median([run["voluntary_ctxt"] for run in ok]),
        "involuntary_ctxt": median([run["involuntary_ctxt"] for run in ok]),
        "values": {name: median([run["values"][name] for run in ok if name in run.get("values", {})])
                   for name in sorted({name for run in ok for name in run.get("values", {})})},
    }


def _argv(cell, interp, workdir, params):
    if cell["language"] == "cpp":
        return [cpp.binary(cell)]
    spec = os.path.join(workdir, "spec.json")
    with open(spec, "w") as f:
        json.dump({"id": cell["id"], "setup": cell["setup"], "source": cell["source"], "params": params}, f)
    return [interp["path"], interpreters.WRAPPER, spec, os.path.join(workdir, "report.json")]


def run_cell(cell, *, python=None, repeat=None, params=None, progress=None):
    """Run a manifest cell `repeat` times; the result is what `demos run --json` prints.

    Raises ValueError for a hidden cell, a bad parameter or an unsuitable interpreter,
    LookupError for an interpreter that is not there."""
    if cell["hidden"]:
        raise ValueError(f"cell {cell['id']} is hidden setup code, not a demo")
    params = coerce(cell, params)
    repeat = cell["repeat"] if repeat is None else repeat
    if not isinstance(repeat, int) or isinstance(repeat, bool) or not 1 <= repeat <= 20:
        raise ValueError("repeat must be an integer from 1 to 20")
    if cell["language"] == "cpp":
        interp = cpp.compiler()
    else:
        interp = interpreters.resolve(python)
        if not interpreters.suits(cell, interp):
            wants = "the interpreter the native extension is built for" if cell["native"] else \
                "Python " + " or ".join(cell["interpreters"])
            raise ValueError(f"cell {cell['id']} does not run on {interp['name']}: it needs {wants}")
    runs = []
    for i in range(repeat):
        if progress:
            progress({"run": i + 1, "of": repeat})
        with tempfile.TemporaryDirectory(prefix="gil-cell-") as workdir:
            runs.append(run_once(cell, _argv(cell, interp, workdir, params), params, workdir))
    return {
        "cell": cell["id"], "sha256": cell["sha256"], "params": params,
        "recorded_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "interpreter": {k: interp[k] for k in ("name", "path", "version", "implementation", "gil_enabled",
                                               "switch_interval", "check_interval")},
        "machine": fingerprint(), "runs": runs, "summary": summarise(runs),
    }
