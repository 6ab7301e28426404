"""Which Python interpreters this host has, their facts, and which cells they suit.

Found: the venv's own (the default), pyenv's versions, CPython 3.x on PATH (`python3.13t`-style free-threaded
builds too), uv's installs, Debian's Jython and PyPy. Facts come from running each one once; they are cached
in memory and in .cache/ by path, mtime and size (a JVM takes about a second to start).
"""
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
    """Every interpreter found, the default (the venv's) first, then CPython by version, then the others."""
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
    return found[:1] + sorted(found[1:], key=order)


def resolve(name_or_path=None):
    """The default interpreter, one found by name (`cpython-3.12.1`, `jython-2.7.3`) or selector
    (`2.7`, `pypy`, `3.13t`: the first found that matches), or a path."""
    if not name_or_path:  # the venv's own, without looking for every other one
        return describe(sys.executable, default=True)
    found = find()
    for interp in found:
        if name_or_path in (interp["name"], interp["path"]):
            return interp
    if os.sep in name_or_path:
        interp = describe(os.path.abspath(name_or_path))
        if interp:
            return interp
    else:
        try:
            selector = selectors.parse(name_or_path)
        except ValueError:
            selector = None
        for interp in found if selector else ():
            if selectors.matches(selector, interp):
                return interp
    names = ", ".join(i["name"] for i in found)
    raise LookupError(f"no interpreter {name_or_path!r} on this host (found: {names})")


def suits(cell, interp):
    """Whether the cell may run on interp: its declared versions; native cells only where native is built."""
    if cell["language"] != "python":
        return interp["default"]
    if cell["native"] and not interp["default"]:
        return False
    return selectors.matches(selectors.parse(",".join(cell["interpreters"])), interp)
