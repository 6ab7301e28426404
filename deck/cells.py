"""Demo cells: fenced blocks with `{#id .demo ...}` attributes, read straight from the deck.

This is the one parser of fences and their attributes: the build renders with it and
`load_manifest` gives the runner and the server the same cells without rendering.
"""
import hashlib
import re
import shlex

from deck.errors import DeckError
from demos import selectors
from demos.params import coerce

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
CELL_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGES = ("python", "cpp")
DEFAULTS = {"timeout": 30.0, "repeat": 1, "memory_mb": 1024}
CELL_KEYS = {"timeout", "repeat", "memory", "interpreters", "native", "browser", "include", "group", "record"}
CODE_KEYS = {"hl", "linenos"}


class Fence:
    """One fenced block: where it is, its language, classes, id, attributes and text."""

    def __init__(self, line, language, id, classes, attrs, text):
        self.line, self.language, self.id = line, language, id
        self.classes, self.attrs, self.text = classes, attrs, text

    @property
    def is_cell(self):
        return "demo" in self.classes


def parse_info(info, path, line):
    """`python {#id .demo key=value}` or `{.python hl="1-2"}` → (language, id, classes, attrs)."""
    language, _, rest = info.partition("{")
    language = language.strip() or None
    if rest and not rest.rstrip().endswith("}"):
        raise DeckError(path, line, "unclosed '{' in the fence's attributes")
    try:
        tokens = shlex.split(rest.rstrip()[:-1]) if rest else []
    except ValueError as error:
        raise DeckError(path, line, f"bad fence attributes: {error}") from None
    id, classes, attrs = None, [], {}
    for token in tokens:
        if token.startswith("#"):
            id = token[1:]
        elif token.startswith("."):
            classes.append(token[1:])
        elif "=" in token:
            key, value = token.split("=", 1)
            if key in attrs:
                raise DeckError(path, line, f"attribute {key!r} given twice")
            attrs[key] = value
        else:
            raise DeckError(path, line, f"bad fence attribute {token!r}: use #id, .class or key=value")
    if language is None and classes and classes[0] not in ("demo", "hidden"):
        language = classes.pop(0)
    return language, id, classes, attrs


def iter_fences(lines, path, first_line=1):
    """Yield (start_index, end_index, Fence) for each fenced block; an unclosed fence is an error."""
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence = match.group("fence")
        line = first_line + i
        language, id, classes, attrs = parse_info(match.group("info"), path, line)
        closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
        if end is None:
            raise DeckError(path, line, f"unclosed code fence {fence}")
        yield i, end, Fence(line, language, id, classes, attrs, "\n".join(lines[i + 1:end]))
        i = end + 1


def check_code_attrs(fence, path):
    """Attributes of a plain (non-cell) code block."""
    for key in fence.attrs:
        if key not in CODE_KEYS:
            raise DeckError(path, fence.line, f"unknown attribute {key!r} on a code block")


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
            "record": None, "sweep": {}}
    for key, value in fence.attrs.items():
        if key.startswith("param-"):
            cell["params"][key[6:]] = parse_param(key[6:], value, path, line)
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
        elif key in ("native", "browser"):
            cell[key] = _bool(value, key, path, line)
        elif key == "interpreters":
            try:
                selectors.parse(value)
            except ValueError as error:
                raise DeckError(path, line, f"cell {fence.id}: interpreters=: {error}") from None
            cell["interpreters"] = [s.strip() for s in value.split(",")]
        elif key == "include":
            cell["includes"] = [s.strip() for s in value.split(",") if s.strip()]
        elif key == "group":
            cell["group"] = value
        elif key == "record":
            try:
                selectors.parse("any" if value == "all" else value)
            except ValueError as error:
                raise DeckError(path, line, f"cell {fence.id}: record=: {error}") from None
            cell["record"] = value
    for key, value in fence.attrs.items():
        if key.startswith("sweep-"):
            cell["sweep"][key[6:]] = parse_sweep(cell, key[6:], value, path, line)
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
    """Fill each cell's `setup` from the hidden cells it includes, and its sha256 over what runs."""
    by_id = {cell["id"]: cell for cell in cells}
    for cell in cells:
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


def load_manifest(deck="slides/gil.md"):
    """The deck's cells, as the build writes them to site/cells.json."""
    with open(deck, encoding="utf-8") as f:
        lines = f.read().split("\n")
    fences = [fence for _, _, fence in iter_fences(lines, deck)]
    return {"deck": deck, "cells": collect_cells(fences, deck)}
