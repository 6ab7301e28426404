"""The timing wrapper, the same for every Python cell, on Python 2.7 and 3.6+ alike.

    python wrapper.py SPEC REPORT   run a cell; SPEC (JSON) holds setup, source and params
    python wrapper.py --facts       print this interpreter's facts as JSON

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


def emitter(values):
    """emit(name, number): a named number of the run (a race's final count, a latency) for claims to check."""
    def emit(name, value):
        if not isinstance(name, (str, type(u""))) or not name.replace("_", "a").isalnum() or name[0].isdigit():
            raise ValueError("emit: the name must be an identifier, got %r" % (name,))
        if isinstance(value, bool) or not isinstance(value, (int, float)) and type(value).__name__ != "long":
            raise TypeError("emit: %s must be a number, got %r" % (name, value))
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("emit: %s must be finite, got %r" % (name, value))
        values[name] = value
    return emit


def run(spec):
    values = {}
    namespace = {"__name__": "__main__", "__builtins__": __builtins__, "emit": emitter(values)}
    namespace.update(spec["params"])
    exec(compile(spec["setup"], "<setup>", "exec", FLAGS, True), namespace)
    code = compile(spec["source"], "<cell %s>" % spec["id"], "exec", FLAGS, True)
    start, t0 = time.time(), clock()
    exec(code, namespace)
    t1 = clock()
    return {"cell_s": t1 - t0, "start": start, "end": start + (t1 - t0), "values": values}


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
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # run as a script: a cell's `import selectors` must be the standard library's
    sys.exit(main())
