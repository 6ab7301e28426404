import pytest

from demos import selectors

CPY27 = {"version": "2.7.18", "implementation": "CPython", "gil_enabled": True}
JYTHON = {"version": "2.7.3", "implementation": "Jython", "gil_enabled": False}
PYPY = {"version": "3.9.16", "implementation": "PyPy", "gil_enabled": True}
CPY311 = {"version": "3.11.7", "implementation": "CPython", "gil_enabled": True}
CPY313T = {"version": "3.13.1", "implementation": "CPython", "gil_enabled": False, "free_threaded": True}
ALL = {"cpython-2.7": CPY27, "jython": JYTHON, "pypy": PYPY, "cpython-3.11": CPY311, "cpython-3.13t": CPY313T}


@pytest.mark.parametrize("selector, expected", [
    ("2.7", {"cpython-2.7", "jython"}),
    ("3", {"pypy", "cpython-3.11", "cpython-3.13t"}),
    ("cpython-2.7", {"cpython-2.7"}),
    ("cpython>=3.2", {"cpython-3.11", "cpython-3.13t"}),
    ("cpython<3", {"cpython-2.7"}),
    ("jython", {"jython"}),
    ("no-gil", {"jython", "cpython-3.13t"}),
    ("free-threaded", {"cpython-3.13t"}),
    ("3.13t", {"cpython-3.13t"}),
    ("pypy, jython", {"pypy", "jython"}),
    ("any", set(ALL)),
])
def test_selector_names_the_interpreters_it_should(selector, expected):
    parsed = selectors.parse(selector)
    assert {name for name, interp in ALL.items() if selectors.matches(parsed, interp)} == expected


@pytest.mark.parametrize("bad, message", [
    ("", "empty"), ("2.7,", "empty"), ("ironpython", "unknown implementation"), ("cpython-", "needs a version"),
    ("3.x", "bad interpreter selector"), ("cpython>=3t", "free-threaded"),
])
def test_bad_selector_is_a_clear_error(bad, message):
    with pytest.raises(ValueError, match=message):
        selectors.parse(bad)
