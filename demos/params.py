"""Typed, range-checked cell parameters: the only values a client can send with a run."""


def _convert(name, decl, value):
    kind = decl["type"]
    if kind == "choice":
        if value not in decl["choices"]:
            raise ValueError(f"parameter {name}: {value!r} is not one of {', '.join(decl['choices'])}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"parameter {name}: expected {kind}, got {type(value).__name__}")
    try:
        converted = int(value) if kind == "int" else float(value)
    except ValueError:
        raise ValueError(f"parameter {name}: expected {kind}, got {value!r}") from None
    if kind == "int" and isinstance(value, float) and value != converted:
        raise ValueError(f"parameter {name}: expected int, got {value!r}")
    if not decl["min"] <= converted <= decl["max"]:
        raise ValueError(f"parameter {name}: {converted} is outside {decl['min']}..{decl['max']}")
    return converted


def coerce(cell, raw=None):
    """The cell's parameters with defaults filled in; ValueError naming the parameter when one is wrong."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValueError("params must be an object of NAME: value")
    unknown = sorted(set(raw) - set(cell["params"]))
    if unknown:
        raise ValueError(f"cell {cell['id']} has no parameter {unknown[0]!r}"
                         + (f" (it has: {', '.join(cell['params'])})" if cell["params"] else ""))
    return {name: _convert(name, decl, raw[name]) if name in raw else decl["default"]
            for name, decl in cell["params"].items()}
