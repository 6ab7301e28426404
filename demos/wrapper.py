"""The timing wrapper, the same for every Python cell, on CPython 2.7 and 3.6+, PyPy and Jython alike.

    python wrapper.py SPEC REPORT   run a cell; SPEC (JSON) holds setup, source and params
    python wrapper.py --standby     the same, started ahead (demos/standby.py): print "ready", then read
                                    ["SPEC", "REPORT"] as one JSON line on stdin, and go on as above
    python wrapper.py --facts       print this interpreter's facts as JSON
    wrapper.run_here(spec)          in Pyodide, where no process can be started: run the cell in this
                                    one, its output captured, and return the run as the host reports it

For a cell it: puts the parameters in the cell's globals, runs the setup (the
hidden cells it includes) untimed, compiles the cell's own source with
print_function and division (so the same text runs on 2.7 and 3.x), reads the
clock just before and after running it, and writes {"cell_s", "start", "end",
"gil_enabled"} (start and end are epoch seconds, comparable with the parent's
clock; gil_enabled as the interpreter has it while the cell runs) as JSON to
the file REPORT. The cell's stdout and stderr stay its own; an exception
prints its traceback and exits 1. On CPython the process then ends as the
interpreter's own shutdown begins (threads joined, atexit run, streams flushed)
without the teardown after it: 3-4 ms of freeing memory, no part of the cell.

The cell runs as the real `__main__` module, as a script would. A process it
starts with multiprocessing's spawn or forkserver method imports `__main__`
afresh: there this file re-creates the cell's definitions (imports, functions,
classes, literal constants: what a script keeps outside its `if __name__ ==
"__main__":` guard) and none of its actions, so a function defined in a cell
pickles by reference as in a script. GIL_MP_START=fork|spawn|forkserver in the
environment sets the start method first.
"""
import __future__
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if __name__ == "__main__" and sys.path and os.path.abspath(sys.path[0] or os.curdir) == HERE:
    del sys.path[0]  # run as a script: a cell imports the standard library's modules, not demos/'s (selectors.py)
FLAGS = __future__.print_function.compiler_flag | __future__.division.compiler_flag
SPEC_ENV = "GIL_CELL_SPEC"  # where a spawned child finds the cell whose definitions it needs
JYTHON = sys.platform.startswith("java")

try:
    clock = time.perf_counter
except AttributeError:  # 2.7
    if JYTHON:  # whose time.time() ticks in milliseconds
        from java.lang import System
        clock = lambda: System.nanoTime() / 1e9
    else:
        clock = time.time


def gil_enabled():
    """Whether a GIL serialises this interpreter's threads right now (a free-threaded build may turn it on)."""
    if JYTHON:  # threads are JVM threads: no global lock
        return False
    is_gil_enabled = getattr(sys, "_is_gil_enabled", None)
    return is_gil_enabled() if is_gil_enabled else True


def facts():
    import platform  # only here: it is slow to import, and a run does not need it

    new_gil = hasattr(sys, "getswitchinterval")  # 3.2+: time-based; before, a check every N ticks
    free_threaded = False
    if not JYTHON:
        import sysconfig
        free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "gil_enabled": gil_enabled(),
        "free_threaded": free_threaded,
        "switch_interval": sys.getswitchinterval() if new_gil else None,
        "check_interval": None if new_gil or JYTHON else sys.getcheckinterval(),
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


def load(path):
    with open(path) as f:
        return json.load(f)


def run(spec, spec_path=None):
    method = os.environ.get("GIL_MP_START")
    if method:
        import multiprocessing
        multiprocessing.set_start_method(method)
    if spec_path:  # (none in the browser, which has no processes)
        os.environ[SPEC_ENV] = spec_path
    import types
    cell = types.ModuleType("__main__")
    values = {}
    cell.__dict__.update(spec["params"], emit=emitter(values))
    cell.__file__ = os.path.abspath(__file__)  # what a spawned child runs as __main__: this file, below
    wrapper, sys.modules["__main__"] = sys.modules["__main__"], cell
    try:
        exec(compile(spec["setup"], "<setup>", "exec", FLAGS, True), cell.__dict__)
        code = compile(spec["source"], "<cell %s>" % spec["id"], "exec", FLAGS, True)
        start, t0 = time.time(), clock()
        exec(code, cell.__dict__)
        t1 = clock()
    finally:
        sys.modules["__main__"] = wrapper  # on 2.7 a module no longer referenced has its globals wiped
    return {"cell_s": t1 - t0, "start": start, "end": start + (t1 - t0), "gil_enabled": gil_enabled(),
            "values": values}


def _defines(node, ast):
    """Whether a top-level statement only defines something: what a spawned child may run again."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if not isinstance(node, ast.Assign):
        return False
    try:
        ast.literal_eval(node.value)
        return True
    except (ValueError, TypeError, SyntaxError):
        return False


def definitions(spec):
    """The setup's and the cell's imports, functions, classes and literal constants, run; nothing else."""
    import ast  # 3.x only: spawn and forkserver came with 3.4

    namespace = dict(spec["params"], __name__="__mp_main__", emit=emitter({}))
    for name, text in (("<setup>", spec["setup"]), ("<cell %s>" % spec["id"], spec["source"])):
        tree = ast.parse(text, name)
        tree.body = [node for node in tree.body if _defines(node, ast)]
        exec(compile(tree, name, "exec"), namespace)
    return namespace


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


def leave(code):
    """sys.exit(code) without CPython's teardown: what its shutdown does first, then os._exit."""
    threading = sys.modules.get("threading")
    shutdown = getattr(threading, "_shutdown", None) if threading else (lambda: None)
    if JYTHON or "__pypy__" in sys.builtin_module_names or shutdown is None:  # their own exit, as it is
        sys.exit(code)
    shutdown()  # wait for the cell's non-daemon threads, as an exiting interpreter does
    exitfunc = getattr(sys, "exitfunc", None)  # 2.7's atexit hook; 3.x's atexit runs its own
    if exitfunc:
        exitfunc()
    elif sys.version_info[0] >= 3:
        import atexit
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a cell that closed its stdout: as at the interpreter's exit, not an error
            pass
    os._exit(code)


def main():
    if sys.argv[1] == "--facts":
        print(json.dumps(facts()))
        return 0
    if sys.argv[1] == "--standby":
        compile("", "<standby>", "exec", FLAGS, True)  # CPython's first compile() sets up ~1 ms of tables
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        line = sys.stdin.readline()  # stdin then stays at its end, as /dev/null would be for a cold start
        if not line:  # the runner is gone
            return 0
        sys.argv[1:] = json.loads(line)
        os.chdir(os.path.dirname(sys.argv[1]))  # the run's directory, where a cold start begins
    spec = load(sys.argv[1])
    try:
        timing = run(spec, os.path.abspath(sys.argv[1]))
    except BaseException:
        import traceback  # only on failure: keeps start-up short

        traceback.print_exc()
        return 1
    sys.stdout.flush()
    with open(sys.argv[2], "w") as report:
        report.write(json.dumps(timing))
    leave(0)


if __name__ == "__main__":
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # run as a script: a cell's `import selectors` must be the standard library's
    sys.exit(main())
elif __name__ == "__mp_main__" and os.environ.get(SPEC_ENV):  # a spawn or forkserver child of a cell
    globals().update(definitions(load(os.environ[SPEC_ENV])))
