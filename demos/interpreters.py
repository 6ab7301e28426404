"""Which Python interpreters this host has, their facts, and which cells they suit."""
import glob
import json
import os
import shutil
import subprocess
import sys

from demos import selectors

WRAPPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wrapper.py")
_facts_cache = {}


def facts(path):
    """Run the interpreter once (cached by path and mtime) and return its facts, or None if it is no Python."""
    try:
        key = (path, os.stat(path).st_mtime)
    except OSError:
        return None
    if key not in _facts_cache:
        try:
            out = subprocess.run([path, "-S", WRAPPER, "--facts"], capture_output=True, timeout=30, check=True)
            _facts_cache[key] = json.loads(out.stdout)
        except (OSError, subprocess.SubprocessError, ValueError):
            _facts_cache[key] = None
    return _facts_cache[key]


def _candidates():
    yield sys.executable, True  # the venv's own: the one the native extension is built for
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    yield from ((p, False) for p in sorted(glob.glob(os.path.join(root, "versions", "*", "bin", "python"))))
    for minor in range(6, 20):
        for suffix in ("", "t"):  # "t": free-threaded builds, e.g. python3.13t
            found = shutil.which(f"python3.{minor}{suffix}")
            if found:
                yield found, False


def describe(path, default=False):
    info = facts(path)
    if info is None:
        return None
    free = "t" if not info["gil_enabled"] else ""
    return {"name": f"{info['implementation'].lower()}-{info['version']}{free}", "path": path,
            "default": default, **info}


def find():
    """Every interpreter found, the default (the venv's) first, one per real executable."""
    found, seen = [], set()
    for path, default in _candidates():
        real = os.path.realpath(path)
        if real in seen or "/shims/" in path:
            continue
        interp = describe(path, default)
        if interp:
            seen.add(real)
            found.append(interp)
    version = lambda i: tuple(int(x) for x in i["version"].split(".")[:3] if x.isdigit())
    return found[:1] + sorted(found[1:], key=version)


def resolve(name_or_path=None):
    """The default interpreter, one found by name or version prefix (`2.7`, `cpython-3.12.1`), or a path."""
    if not name_or_path:  # the venv's own, without looking for every other one
        return describe(sys.executable, default=True)
    found = find()
    for interp in found:
        if name_or_path in (interp["name"], interp["path"]) or interp["version"].startswith(name_or_path + "."):
            return interp
    if os.sep in name_or_path:
        interp = describe(os.path.abspath(name_or_path))
        if interp:
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
