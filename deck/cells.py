"""Demo cells: fenced blocks with `{#id .demo ...}` attributes (parsed by deck.fences), read straight from the deck.

The build collects them from the fences it has already read; `demos.manifest.load` gives the runner
and the server the same cells without rendering.
"""
import hashlib
import re

from deck.errors import DeckError
from demos import selectors
from demos.params import coerce

CELL_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGES = ("python", "cpp")
DEFAULTS = {"timeout": 30.0, "repeat": 1, "memory_mb": 1024}
CELL_KEYS = {"timeout", "repeat", "memory", "interpreters", "native", "browser", "include", "group", "needs",
             "record", "baseline", "packages", "output"}
NEEDS = ("threads", "processes", "native", "cpp")  # why a cell cannot run in the browser
CHOICES = {"browser": ("false", "true", "only"), "output": ("text", "latex")}


def parse_param(name, spec, path, line):
    """`int 10 1..100`, `float 0.5 0.1..2` or `choice a a|b|c` → the manifest's parameter dict."""
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
        raise DeckError(path, line, f"bad parameter name {name!r}")
    parts = spec.split()
    if len(parts) != 3:
        raise DeckError(path, line, f"parameter {name}: expected 'TYPE DEFAULT RANGE', got {spec!r}")
    kind, default, range_ = parts
    if kind == "choice":
        choices = range_.split("|")
        if default not in choices:
            raise DeckError(path, line, f"parameter {name}: default {default!r} is not one of {choices}")
        return {"type": "choice", "default": default, "choices": choices}
    if kind not in ("int", "float"):
        raise DeckError(path, line, f"parameter {name}: unknown type {kind!r} (int, float or choice)")
    convert = int if kind == "int" else float
    try:
        low, high = (convert(x) for x in range_.split(".."))
        value = convert(default)
    except ValueError:
        raise DeckError(path, line, f"parameter {name}: bad {kind} default or range {default!r} {range_!r}") from None
    if not low <= value <= high:
        raise DeckError(path, line, f"parameter {name}: default {value} is outside {low}..{high}")
    return {"type": kind, "default": value, "min": low, "max": high}


def _bool(value, key, path, line):
    if value not in ("true", "false"):
        raise DeckError(path, line, f"{key}= must be true or false, not {value!r}")
    return value == "true"


def _choice(value, key, path, line):
    if value not in CHOICES[key]:
        raise DeckError(path, line, f"{key}= must be one of {', '.join(CHOICES[key])}, not {value!r}")
    return value


def _names(value):
    return [name.strip() for name in value.split(",") if name.strip()]


def parse_compare(name, value, path, line):
    """`compare-NAME="cpython-2.7 | cpython>=3.2"`: a side-by-side option, one selector per interpreter."""
    if not CELL_ID.match(name):
        raise DeckError(path, line, f"bad comparison name {name!r} in compare-{name}= (like compare-old-new)")
    terms = [term.strip() for term in value.split("|")]
    if len(terms) < 2:
        raise DeckError(path, line, f"compare-{name}= wants two or more selectors separated by |, got {value!r}")
    for term in terms:
        try:
            selectors.parse(term)
        except ValueError as error:
            raise DeckError(path, line, f"compare-{name}=: {error}") from None
    return terms


def _number(value, key, convert, path, line):
    try:
        number = convert(value)
    except ValueError:
        raise DeckError(path, line, f"{key}= must be a number, not {value!r}") from None
    if number <= 0:
        raise DeckError(path, line, f"{key}= must be positive")
    return number


def cell_from_fence(fence, path):
    """Validate a `.demo` fence and turn it into a manifest entry (setup is filled in later)."""
    line = fence.line
    if not fence.id or not CELL_ID.match(fence.id):
        raise DeckError(path, line, f"a demo cell needs an id like #countdown-threads, got {fence.id!r}")
    if fence.language not in LANGUAGES:
        raise DeckError(path, line, f"cell {fence.id}: language must be one of {', '.join(LANGUAGES)}")
    extra = [c for c in fence.classes if c not in ("demo", "hidden")]
    if extra:
        raise DeckError(path, line, f"cell {fence.id}: unknown class .{extra[0]}")
    cell = {"id": fence.id, "language": fence.language, "line": line, "source": fence.text,
            "hidden": "hidden" in fence.classes, **DEFAULTS,
            "interpreters": ["2.7", "3"] if fence.language == "python" else [],
            "native": False, "browser": False, "includes": [], "group": None, "params": {},
            "needs": [], "record": "default", "baseline": None, "packages": [], "output": "text", "compare": {},
            "sweep": {}}
    for key, value in fence.attrs.items():
        if key.startswith("param-"):
            cell["params"][key[6:]] = parse_param(key[6:], value, path, line)
        elif key.startswith("compare-"):
            cell["compare"][key[8:]] = parse_compare(key[8:], value, path, line)
        elif key.startswith("sweep-"):
            continue  # checked below, once every parameter is known
        elif key not in CELL_KEYS:
            raise DeckError(path, line, f"cell {fence.id}: unknown attribute {key!r}")
        elif key == "timeout":
            cell["timeout"] = _number(value, key, float, path, line)
        elif key == "repeat":
            cell["repeat"] = _number(value, key, int, path, line)
        elif key == "memory":
            cell["memory_mb"] = _number(value, key, int, path, line)
        elif key == "native":
            cell[key] = _bool(value, key, path, line)
        elif key == "browser":
            cell[key] = {"false": False, "true": True, "only": "only"}[_choice(value, key, path, line)]
        elif key == "output":
            cell[key] = _choice(value, key, path, line)
        elif key == "interpreters":
            try:
                selectors.parse(value)
            except ValueError as error:
                raise DeckError(path, line, f"cell {fence.id}: interpreters=: {error}") from None
            cell["interpreters"] = [s.strip() for s in value.split(",")]
        elif key == "needs":
            cell["needs"] = _names(value)
            unknown = [need for need in cell["needs"] if need not in NEEDS]
            if unknown:
                raise DeckError(path, line, f"cell {fence.id}: needs={unknown[0]} is not one of {', '.join(NEEDS)}")
        elif key in ("include", "packages"):
            cell["includes" if key == "include" else key] = _names(value)
        elif key in ("group", "baseline"):
            cell[key] = value
        elif key == "record":
            try:
                selectors.parse(value if value not in ("default", "all") else "any")
            except ValueError as error:
                raise DeckError(path, line, f"cell {fence.id}: record= is default, all or a selector: {error}") from None
            cell["record"] = value
    for key, value in fence.attrs.items():
        if key.startswith("sweep-"):
            cell["sweep"][key[6:]] = parse_sweep(cell, key[6:], value, path, line)
    implied = [need for need, applies in (("native", cell["native"]), ("cpp", fence.language == "cpp")) if applies]
    cell["needs"] += [need for need in implied if need not in cell["needs"]]
    if cell["browser"] and cell["needs"]:
        raise DeckError(path, line, f"cell {fence.id}: browser={'only' if cell['browser'] == 'only' else 'true'} "
                                    f"but it needs {cell['needs'][0]}, which the browser does not have")
    if cell["packages"] and not cell["browser"]:
        raise DeckError(path, line, f"cell {fence.id}: packages= are installed only in the browser: "
                                    "add browser=true or browser=only")
    return cell


def parse_sweep(cell, name, text, path, line):
    """`sweep-INTERVAL="0.0001,0.001,0.005,0.02"`: values `demos record` runs the cell with, one run set each."""
    if name not in cell["params"]:
        raise DeckError(path, line, f"cell {cell['id']}: sweep-{name} names no parameter (param-{name}=...)")
    try:
        return [coerce(cell, {name: value.strip()})[name] for value in text.split(",")]
    except ValueError as error:
        raise DeckError(path, line, f"cell {cell['id']}: sweep-{name}: {error}") from None


def resolve_includes(cells, path):
    """Fill each cell's `setup` from the hidden cells it includes, and its sha256 over what runs;
    check that a `baseline=` names another cell that runs."""
    by_id = {cell["id"]: cell for cell in cells}
    for cell in cells:
        baseline = by_id.get(cell["baseline"])
        if cell["baseline"] and (baseline is None or baseline["hidden"] or baseline is cell):
            raise DeckError(path, cell["line"], f"cell {cell['id']}: baseline={cell['baseline']} names no other "
                                                "demo cell of this deck")
        parts = []
        for name in cell["includes"]:
            included = by_id.get(name)
            if included is None:
                raise DeckError(path, cell["line"], f"cell {cell['id']}: include={name} names no cell")
            if not included["hidden"]:
                raise DeckError(path, cell["line"], f"cell {cell['id']}: include={name} is not a .hidden cell")
            parts.append(included["source"])
        cell["setup"] = "\n".join(parts)
        cell["sha256"] = hashlib.sha256((cell["setup"] + "\n" + cell["source"]).encode()).hexdigest()
    return cells


def collect_cells(fences, path):
    """Cells of the deck in order; ids must be unique."""
    cells, seen = [], {}
    for fence in fences:
        if not fence.is_cell:
            continue
        cell = cell_from_fence(fence, path)
        if cell["id"] in seen:
            raise DeckError(path, fence.line, f"duplicate cell id {cell['id']} (first on line {seen[cell['id']]})")
        seen[cell["id"]] = fence.line
        cells.append(cell)
    return resolve_includes(cells, path)
