"""Interpreter selectors: which interpreters a cell runs on, and which a claim speaks of.

One small grammar, used by cell declarations (`interpreters=2.7,3`) and by claims (`on cpython-2.7`):

    selector := term ("," term)*             any term matches
    term     := "any" | "gil" | "no-gil" | "free-threaded"
              | IMPL | IMPL "-" VERSION | IMPL OP VERSION | VERSION ["t"] | OP VERSION
    IMPL     := "cpython" | "pypy" | "jython" | "python" (any implementation)
    OP       := ">=" | "<=" | ">" | "<" | "=="
    VERSION  := digits ("." digits)*          the Python language version, compared as a prefix

`2.7` is any implementation of Python 2.7 (CPython, Jython), `3.13t` a free-threaded CPython 3.13,
`cpython-2.7` CPython 2.7 only, `cpython>=3.2` CPython with the new GIL, `no-gil` every interpreter
whose threads run Python at once (Jython, free-threaded CPython with the GIL off).
Parsed by hand, never eval'd; a bad selector raises ValueError naming the bad term.
"""
import re

IMPLEMENTATIONS = ("cpython", "pypy", "jython", "python")
KEYWORDS = ("any", "gil", "no-gil", "free-threaded")
TERM = re.compile(r"^(?:(?P<impl>[a-z]+)(?:(?P<dash>-)|(?P<op>>=|<=|==|>|<))?)?"
                  r"(?P<version>\d+(?:\.\d+)*)?(?P<free>t)?$")


def _version(text):
    return tuple(int(part) for part in text.split("."))


def parse_term(text):
    """One term → a tuple (kind, implementation, op, version) that `matches_term` understands."""
    term = text.strip().lower()
    if term in KEYWORDS:
        return (term, None, None, None, False)
    match = TERM.match(term)
    if not match or not term:
        raise ValueError(f"bad interpreter selector {text!r} (e.g. 2.7, 3.13t, cpython-2.7, cpython>=3.2, "
                         f"jython, pypy, no-gil, free-threaded, any)")
    impl, version, op = match["impl"], match["version"], match["op"]
    if impl is not None and impl not in IMPLEMENTATIONS:
        raise ValueError(f"unknown implementation {impl!r} in selector {text!r} "
                         f"(one of {', '.join(IMPLEMENTATIONS)})")
    if (match["dash"] or op) and not version:
        raise ValueError(f"selector {text!r} needs a version after {'-' if match['dash'] else op}")
    if match["free"] and (op or not version):
        raise ValueError(f"selector {text!r}: 't' (free-threaded) follows a plain version, as in 3.13t")
    return ("version", impl or "python", op or "prefix", _version(version) if version else None,
            bool(match["free"]))


def parse(text):
    """A comma list of terms; raises ValueError for an empty or bad one."""
    terms = [part for part in text.split(",")]
    if not text.strip() or any(not part.strip() for part in terms):
        raise ValueError(f"empty interpreter selector in {text!r}")
    return [parse_term(part) for part in terms]


def _interp_version(interp):
    return tuple(int(part) for part in re.findall(r"\d+", interp["version"])[:3])


def matches_term(term, interp):
    kind = term[0]
    if kind == "any":
        return True
    if kind == "gil":
        return bool(interp["gil_enabled"])
    if kind == "no-gil":
        return not interp["gil_enabled"]
    if kind == "free-threaded":
        return bool(interp.get("free_threaded")) or (interp["implementation"] == "CPython"
                                                     and not interp["gil_enabled"])
    _, impl, op, version, free = term
    if impl != "python" and interp["implementation"].lower() != impl:
        return False
    if free and interp["gil_enabled"]:
        return False
    if version is None:
        return True
    have = _interp_version(interp)
    if op == "prefix":
        return have[:len(version)] == version
    have = have[:len(version)]
    return {">=": have >= version, "<=": have <= version, ">": have > version, "<": have < version,
            "==": have == version}[op]


def matches(selector, interp):
    """Whether the interpreter (facts as `demos interpreters` gives them) is one the selector names."""
    return any(matches_term(term, interp) for term in selector)


def newest(selector, interps):
    """The newest (by version) of the interpreters the selector names, or None."""
    return max((interp for interp in interps if matches(selector, interp)), key=_interp_version, default=None)
