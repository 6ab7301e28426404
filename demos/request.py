"""A run request, checked once: (cell, interpreter, repeat, params) → a RunRequest with the interpreter
or compiler resolved.

The command line, the server and the recorder all go through `check_request`, and the runner takes only
what it returns. A mistake raises ValueError (the request is wrong for this cell) or LookupError (what it
names is not on this host), with a message fit for one line on a terminal or a 400 answer.
"""
import dataclasses
import json

from demos import cpp, interpreters
from demos.params import coerce

REPEATS = range(1, 21)  # runs per request: enough for a median, few enough to wait for on a slide
GIL_SWITCH = {"on": "1", "off": "0"}  # PYTHON_GIL, read by free-threaded CPython (3.13+)
START_METHODS = ("fork", "spawn", "forkserver")  # multiprocessing's, forced for a run (GIL_MP_START)


@dataclasses.dataclass(frozen=True)
class RunRequest:
    cell: dict
    interpreter: dict  # its facts and, for the runner only, its path on this host
    repeat: int
    params: dict
    gil: str = None           # "on"/"off": PYTHON_GIL for a free-threaded CPython; None: the build's default
    start_method: str = None  # the cell's multiprocessing start method; None: the platform's default

    @property
    def setting(self):
        """What a result is the result of: cell, parameters and interpreter, by name (never by path)."""
        return self.cell["id"], json.dumps(self.params, sort_keys=True), self.interpreter["name"], self.gil


def suitable(cell):
    """The interpreters (or the compiler) on this host that the cell may run on."""
    if cell["browser"] == "only":
        return []
    if cell["language"] == "cpp":
        try:
            return [cpp.compiler()]
        except LookupError:
            return []
    return [interp for interp in interpreters.find() if interpreters.suits(cell, interp)]


def check_request(cell, *, python=None, repeat=None, params=None, gil=None, start_method=None, paths=False):
    """The request checked against the cell's declaration. `python` is a name or selector of an interpreter
    this host found (`cpython-3.12.1`, `2.7`); a path only where `paths` is allowed (the command line).
    `gil` and `start_method` are run options (see RunRequest)."""
    if cell["hidden"]:
        raise ValueError(f"cell {cell['id']} is hidden setup code, not a demo")
    if cell["browser"] == "only":
        raise ValueError(f"cell {cell['id']} runs only in the browser (Pyodide)"
                         + (f": it needs {', '.join(cell['packages'])}" if cell["packages"] else ""))
    params = coerce(cell, params)
    repeat = cell["repeat"] if repeat is None else repeat
    if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat not in REPEATS:
        raise ValueError(f"repeat must be an integer from {REPEATS[0]} to {REPEATS[-1]}")
    if python is not None and not isinstance(python, str):
        raise ValueError("python must be the name of an interpreter this host found (see /api/interpreters)")
    interp = _interpreter(cell, python, paths)
    _check_options(interp, gil, start_method)
    return RunRequest(cell, interp, repeat, params, gil, start_method)


def _check_options(interp, gil, start_method):
    if gil is not None:
        if not isinstance(gil, str) or gil not in GIL_SWITCH:
            raise ValueError(f"gil must be one of {', '.join(GIL_SWITCH)}, not {gil!r}")
        if not interp.get("free_threaded"):
            raise ValueError(f"{interp['name']} has no GIL to switch: only a free-threaded CPython reads PYTHON_GIL")
    if start_method is not None and start_method not in START_METHODS:
        raise ValueError(f"start method must be one of {', '.join(START_METHODS)}, not {start_method!r}")


def _interpreter(cell, python, paths):
    if cell["language"] == "cpp":
        compiler = cpp.compiler()
        if python not in (None, "", compiler["name"]):
            raise ValueError(f"cell {cell['id']} is C++, compiled by {compiler['name']}: "
                             f"it takes no Python interpreter (got {python!r})")
        return compiler
    interp = interpreters.resolve(python, paths=paths)
    if not interpreters.suits(cell, interp):
        wants = ("the interpreter the native extension is built for" if cell["native"]
                 else "Python " + " or ".join(cell["interpreters"]))
        runs_on = ", ".join(i["name"] for i in suitable(cell))
        raise ValueError(f"cell {cell['id']} does not run on {interp['name']}: it needs {wants} (it runs on: {runs_on})")
    return interp
