"""The timing wrapper, the same for every Python cell, on Python 2.7 and 3.6+ alike.

    python wrapper.py SPEC REPORT   run a cell; SPEC (JSON) holds setup, source and params
    python wrapper.py --facts       print this interpreter's facts as JSON
    wrapper.run_here(spec)          in Pyodide, where no process can be started: run the cell in this
                                    one, its output captured, and return the run as the host reports it

For a cell it: puts the parameters in the cell's globals, runs the setup (the
hidden cells it includes) untimed, compiles the cell's own source with
print_function and division (so the same text runs on 2.7 and 3.x), reads the
clock just before and after running it, and writes {"cell_s", "start", "end"}
(start and end are epoch seconds, comparable with the parent's clock) as JSON
to the file REPORT. The cell's stdout and stderr stay its own; an exception
prints its traceback and exits 1.
"""
import __future__
import json
import os
import sys
import time

# Run as a script, the wrapper's own folder (demos/) comes first on sys.path, where demos/selectors.py
# would shadow the standard library's selectors module (which subprocess and multiprocessing import).
if __name__ == "__main__" and sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

clock = getattr(time, "perf_counter", time.time)
FLAGS = __future__.print_function.compiler_flag | __future__.division.compiler_flag


def facts():
    import platform  # only here: it is slow to import, and a run does not need it

    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    new_gil = hasattr(sys, "getswitchinterval")  # 3.2+: time-based; before, a check every N ticks
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "gil_enabled": is_gil_enabled() if is_gil_enabled else True,
        "switch_interval": sys.getswitchinterval() if new_gil else None,
        "check_interval": None if new_gil else sys.getcheckinterval(),
    }


def run(spec):
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    namespace.update(spec["params"])
    exec(compile(spec["setup"], "<setup>", "exec", FLAGS, True), namespace)
    code = compile(spec["source"], "<cell %s>" % spec["id"], "exec", FLAGS, True)
    start, t0 = time.time(), clock()
    exec(code, namespace)
    t1 = clock()
    return {"cell_s": t1 - t0, "start": start, "end": start + (t1 - t0)}


def run_here(spec, kept=64 * 1024):
    """One run in this process: status, wall_s, cell_s and the first `kept` characters of each stream,
    as in the host's runs[] (which adds what only a parent measures: rusage, the thread timeline)."""
    import io
    import traceback

    streams, saved = (io.StringIO(), io.StringIO()), (sys.stdout, sys.stderr)
    sys.stdout, sys.stderr = streams
    wall0, timing = clock(), None
    try:
        timing = run(spec)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout, sys.stderr = saved
    stdout, stderr = (stream.getvalue() for stream in streams)
    report = {"status": "ok" if timing else "error", "exit_code": 0 if timing else 1,
              "wall_s": round(clock() - wall0, 6), "cell_s": round(timing["cell_s"], 6) if timing else None,
              "stdout": stdout[:kept], "stderr": stderr[:kept], "truncated": max(len(stdout), len(stderr)) > kept}
    report.update((key, value) for key, value in (timing or {}).items() if key not in ("start", "end", "cell_s"))
    return report


def main():
    if sys.argv[1] == "--facts":
        print(json.dumps(facts()))
        return 0
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    try:
        timing = run(spec)
    except BaseException:
        import traceback  # only on failure: keeps start-up short

        traceback.print_exc()
        return 1
    sys.stdout.flush()
    with open(sys.argv[2], "w") as report:
        report.write(json.dumps(timing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
