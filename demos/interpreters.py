"""Which Python interpreters this host has, their facts, and which cells they suit.

Found: the venv's own (the default), pyenv's versions, CPython 3.x on PATH (`python3.13t`-style free-threaded
builds too), uv's installs, Debian's Jython and PyPy. Facts come from running each one once; they are cached
in memory and in .cache/ by path, mtime and size (a JVM takes about a second to start).
"""
import functools
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

from demos import selectors
from demos.paths import CACHE, WRAPPER

FACTS_CACHE = os.path.join(CACHE, "interpreter-facts.json")
OTHER_IMPLEMENTATIONS = ("jython", "pypy3", "pypy")  # on PATH, or Debian's in /usr/bin

# What a result publishes about the interpreter it ran on: facts, never where it is on this host.
PUBLISHED = ("name", "version", "implementation", "gil_enabled", "free_threaded", "switch_interval", "check_interval")
_facts_cache = {}


def _key(path):
    """What identifies one build of an interpreter, and of the wrapper that reads its facts."""
    here, wrapper = os.stat(path), os.stat(WRAPPER)
    return f"{path}|{here.st_mtime_ns}|{here.st_size}|{wrapper.st_mtime_ns}|{wrapper.st_size}"


def _read_disk_cache():
    try:
        with open(FACTS_CACHE) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _write_disk_cache(entries):
    try:
        os.makedirs(CACHE, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=CACHE, prefix=".facts-")
        with os.fdopen(fd, "w") as f:
            json.dump(entries, f, indent=1)
        os.replace(tmp, FACTS_CACHE)
    except OSError:
        pass  # a read-only tree: facts are found again next time


def clean_env():
    """The environment an interpreter is started with: none of the caller's PYTHON* settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def facts(path):
    """Run the interpreter once and return its facts, or None if it is no Python."""
    try:
        key = _key(path)
    except OSError:
        return None
    if key not in _facts_cache:
        on_disk = _read_disk_cache()
        if key not in on_disk:
            try:
                out = subprocess.run([path, "-S", WRAPPER, "--facts"], capture_output=True, timeout=60, check=True,
                                     env=clean_env())
                on_disk[key] = json.loads(out.stdout)
            except (OSError, subprocess.SubprocessError, ValueError):
                _facts_cache[key] = None  # asked again by the next process: it may be a slow start, not no Python
                return None
            _write_disk_cache({k: v for k, v in on_disk.items() if k.split("|")[0] != path or k == key})
        _facts_cache[key] = on_disk[key]
    return _facts_cache[key]


def _candidates():
    yield sys.executable, True  # the venv's own: the one the native extension is built for
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    uv = os.environ.get("UV_PYTHON_INSTALL_DIR", os.path.expanduser("~/.local/share/uv/python"))
    for pattern in (os.path.join(pyenv, "versions", "*", "bin", "python"),  # 3.13.0t too
                    os.path.join(uv, "*", "bin", "python3"), os.path.join(uv, "*", "bin", "python3*t")):
        yield from ((p, False) for p in sorted(glob.glob(pattern)))
    names = [f"python3.{minor}{suffix}" for minor in range(6, 20) for suffix in ("", "t")]  # t: free-threaded
    for name in names + list(OTHER_IMPLEMENTATIONS):
        found = shutil.which(name)
        if found:
            yield found, False
    for name in OTHER_IMPLEMENTATIONS:  # where Debian puts them, whatever the PATH says
        yield os.path.join("/usr/bin", name), False


def describe(path, default=False):
    info = facts(path)
    if info is None:
        return None
    free = "t" if info.get("free_threaded") else ""
    return {"name": f"{info['implementation'].lower()}-{info['version']}{free}", "path": path,
            "default": default, **info}


def gil_label(interp):
    """How `demos interpreters` and the slides name an interpreter's kind of lock."""
    if interp.get("free_threaded"):
        return "free-threaded" + (" (GIL on)" if interp["gil_enabled"] else "")
    return "GIL" if interp["gil_enabled"] else "no GIL"


def _version(interp):
    return tuple(int(x) for x in interp["version"].split(".")[:3] if x.isdigit())


def find():
    """Every interpreter found, the default (the venv's) first, then CPython by version, then the others
    (looked for once)."""
    return [dict(interp) for interp in _found()]


@functools.lru_cache(maxsize=None)
def _found():
    found, seen = [], set()
    for path, default in _candidates():
        real = os.path.realpath(path)
        if real in seen or "/shims/" in path or not os.access(path, os.X_OK):
            continue
        interp = describe(path, default)
        if interp:
            seen.add(real)
            found.append(interp)
    order = lambda i: (i["implementation"] != "CPython", i["implementation"], _version(i), i["free_threaded"])
    return tuple(found[:1] + sorted(found[1:], key=order))


def resolve(wanted=None, *, paths=False):
    """The interpreter a request names: none, the default; a name (`cpython-3.12.1`); a selector (`2.7`,
    `cpython>=3.12`, `pypy`: of those found that match, the default, else the first CPython, else the first);
    or, only where `paths` is allowed (the command line, never the server), a Python at a path.
    LookupError when there is no such interpreter here."""
    if not wanted:  # the venv's own, without looking for every other one
        return describe(sys.executable, default=True)
    found = find()
    interp = next((interp for interp in found if interp["name"] == wanted), None)
    if interp is None and os.sep in wanted and paths:
        path = os.path.abspath(wanted)
        interp = next((interp for interp in found if interp["path"] == path), None) or describe(path)
    elif interp is None and os.sep not in wanted:
        interp = _first_matching(wanted, found)
    if interp is None:
        names = ", ".join(interp["name"] for interp in found)
        raise LookupError(f"no interpreter {wanted!r} on this host (found: {names})")
    return interp


def _first_matching(text, found):
    try:
        selector = selectors.parse(text)
    except ValueError:
        return None
    matching = [interp for interp in found if selectors.matches(selector, interp)]
    return min(matching, key=lambda interp: (not interp["default"], interp["implementation"] != "CPython"),
               default=None)


def published(interp):
    """The interpreter as a result names it: its facts, without its path."""
    return {key: interp[key] for key in PUBLISHED if key in interp}


def comparisons(cell, interps):
    """The cell's side-by-side options (`compare-NAME="SEL | SEL"`) among interps: for each option, the
    newest interpreter matching each selector, by name. A selector that matches none here is left out (a
    host without a free-threaded build still compares the rest); so is an option left with fewer than two."""
    options = {}
    for name, terms in cell["compare"].items():
        picked = [selectors.newest(selectors.parse(term), interps) for term in terms]
        names = list(dict.fromkeys(interp["name"] for interp in picked if interp))
        if len(names) >= 2:
            options[name] = names
    return options


def suits(cell, interp):
    """Whether the cell may run on interp: its declared versions; native cells only where native is built."""
    if cell["language"] != "python":
        return interp["default"]
    if cell["native"] and not interp["default"]:
        return False
    return selectors.matches(selectors.parse(",".join(cell["interpreters"])), interp)
