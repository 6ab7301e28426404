"""Which Python interpreters this host has, their facts, and which cells they suit."""
import functools
import glob
import json
import os
import shutil
import subprocess
import sys

from demos import selectors
from demos.paths import WRAPPER

# What a result publishes about the interpreter it ran on: facts, never where it is on this host.
PUBLISHED = ("name", "version", "implementation", "gil_enabled", "free_threaded", "switch_interval", "check_interval")
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
    """Every interpreter found, the default (the venv's) first, one per real executable (looked for once)."""
    return [dict(interp) for interp in _found()]


@functools.lru_cache(maxsize=None)
def _found():
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
    return tuple(found[:1] + sorted(found[1:], key=version))


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
    newest interpreter matching each selector, by name; an option where a selector matches none, or two
    pick the same interpreter, is left out."""
    options = {}
    for name, terms in cell["compare"].items():
        picked = [selectors.newest(selectors.parse(term), interps) for term in terms]
        names = [interp["name"] for interp in picked if interp]
        if len(names) == len(terms) == len(set(names)):
            options[name] = names
    return options


def suits(cell, interp):
    """Whether the cell may run on interp: its declared versions; native cells only where native is built."""
    if cell["language"] != "python":
        return interp["default"]
    if cell["native"] and not interp["default"]:
        return False
    return selectors.matches(selectors.parse(",".join(cell["interpreters"])), interp)
