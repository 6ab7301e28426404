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
import subprocess
import tempfile
import time

from demos import cpp, interpreters, paths, standby
from demos.containment import Containment, limits
from demos.machine import fingerprint
from demos.request import GIL_SWITCH
from demos.sampler import Sampler, yield_to_cell
from demos.summary import summarise

SAMPLE_S = 0.001
OUTPUT_KEPT = 64 * 1024           # bytes of each stream kept in the result
OUTPUT_FLOOD = 8 * 2**20          # more than this in all is a runaway: killed
MAX_PROCESSES = 64                # threads and processes of one run, via the pids cgroup
MEMORY_SIGNS = (b"MemoryError", b"std::bad_alloc", b"Cannot allocate memory", b"out of memory",
                b"OutOfMemoryError", b"allocate some memory")  # the last two: the JVM's and PyPy's JIT's words


def _env(params, cell, bounds, gil=None, start_method=None):
    env = interpreters.clean_env()
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(bounds.env)
    if gil:
        env["PYTHON_GIL"] = GIL_SWITCH[gil]
    if start_method:
        env["GIL_MP_START"] = start_method  # the wrapper sets it before the cell runs
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


def run_once(cell, argv, params, workdir, implementation=None, gil=None, start_method=None, ahead=False):
    """One measured run: returns the `runs[]` entry of the result. ahead: once it has ended, start the
    next run's interpreter (demos/standby.py)."""
    bounds = limits(implementation, cell["memory_mb"], MAX_PROCESSES)
    env = _env(params, cell, bounds, gil, start_method)
    ready = standby.take(argv, env, bounds)  # an interpreter started ahead for runs like this one, or None
    if ready:
        box, proc, started = ready.box, ready.proc, ready.clock()
    else:
        box = Containment(bounds)
        started = time.time()
        try:
            proc = box.spawn(subprocess.Popen, argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except BaseException:
            box.close()
            raise
    sampler = Sampler(proc.pid, started, box.tasks, jvm=implementation == "Jython")
    unyield = yield_to_cell()  # after the spawn: the cell keeps the normal policy
    buffers = {proc.stdout: bytearray(), proc.stderr: bytearray()}
    totals = {proc.stdout: 0, proc.stderr: 0}
    selector = selectors.DefaultSelector()
    for stream in buffers:
        os.set_blocking(stream.fileno(), False)
        selector.register(stream, selectors.EVENT_READ)
    if ready:  # its threads are known before it has the cell, however short the cell
        sampler.discover()
        ready.go(*argv[2:4])
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
    if ahead:
        standby.start(argv, env, bounds)
    status, rusage = exited
    code = proc.returncode
    banner = box.limits.banner.encode()
    if banner and buffers[proc.stderr].startswith(banner):  # the runtime's note on its limits, not the cell's
        del buffers[proc.stderr][:len(banner)]
        totals[proc.stderr] -= len(banner)
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
        "containment": box.kind, "standby": bool(ready),
        "gil_enabled": timing.get("gil_enabled") if timing else None,
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


def _argv(cell, interp, workdir, params):
    if cell["language"] == "cpp":
        return [cpp.binary(cell)]
    spec = os.path.join(workdir, "spec.json")
    with open(spec, "w") as f:
        json.dump({"id": cell["id"], "setup": cell["setup"], "source": cell["source"], "params": params}, f)
    return [interp["path"], paths.WRAPPER, spec, os.path.join(workdir, "report.json")]


def run_cell(request, progress=None, keep_ready=False):
    """Run a checked request (demos.request.check_request) `repeat` times; the result is what
    `demos run --json` prints. progress({"run": i, "of": n}) is called before each run. Each run after
    the first takes a standby started when the one before ended; keep_ready: one is started after the
    last run too, for the next request (the server's worker, the recorder)."""
    cell, interp, params = request.cell, request.interpreter, request.params
    runs = []
    for i in range(request.repeat):
        if progress:
            progress({"run": i + 1, "of": request.repeat})
        with tempfile.TemporaryDirectory(prefix="gil-cell-") as workdir:
            runs.append(run_once(cell, _argv(cell, interp, workdir, params), params, workdir,
                                 interp["implementation"], request.gil, request.start_method,
                                 ahead=keep_ready or i + 1 < request.repeat))
    return {
        "cell": cell["id"], "sha256": cell["sha256"], "params": params,
        "recorded_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "interpreter": interpreters.published(interp),
        "machine": fingerprint(), "runs": runs, "summary": summarise(runs),
    }
