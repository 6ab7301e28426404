"""One check of a run request (demos.request), whoever asks: the command line, the server or the recorder."""
import sys

import pytest

from demos import cpp, interpreters, manifest
from demos.request import REPEATS, check_request, suitable

DECK = manifest.cells_by_id(manifest.load())


def found(selector):
    try:
        return interpreters.resolve(selector)
    except LookupError as error:
        pytest.skip(str(error))


def test_no_interpreter_means_the_default_and_the_cells_own_repeat():
    request = check_request(DECK["countdown-threads"])
    assert request.interpreter["default"] and request.repeat == DECK["countdown-threads"]["repeat"]
    assert request.params == {"TOTAL_WORK": 10_000_000}


@pytest.mark.parametrize("wanted", ["2.7", "cpython-2.7"])
def test_a_version_or_selector_names_the_interpreter_found_here(wanted):
    old = found("cpython-2.7")
    request = check_request(DECK["countdown-threads"], python=wanted)
    assert request.interpreter["name"] == old["name"]
    assert request.setting == ("countdown-threads", '{"TOTAL_WORK": 10000000}', old["name"], None)  # a name, never a path


def test_a_path_only_where_paths_are_allowed():
    with pytest.raises(LookupError, match="no interpreter"):
        check_request(DECK["countdown-threads"], python=sys.executable)
    assert check_request(DECK["countdown-threads"], python=sys.executable, paths=True).interpreter["default"]


@pytest.mark.parametrize("repeat", [REPEATS[0], REPEATS[-1]])
def test_repeat_inside_the_one_range(repeat):
    assert check_request(DECK["countdown-threads"], repeat=repeat).repeat == repeat


@pytest.mark.parametrize("field, value, error, message", [
    ("repeat", REPEATS[-1] + 1, ValueError, f"repeat must be an integer from 1 to {REPEATS[-1]}"),
    ("repeat", 0, ValueError, "repeat must be"),
    ("repeat", True, ValueError, "repeat must be"),
    ("python", ["2.7"], ValueError, "python must be the name"),
    ("python", "ironpython", LookupError, "no interpreter 'ironpython'"),
    ("params", {"TOTAL_WORK": 1}, ValueError, "outside"),
], ids=["repeat-too-many", "repeat-zero", "repeat-bool", "python-list", "python-unknown", "param-range"])
def test_bad_requests_say_what_is_wrong(field, value, error, message):
    with pytest.raises(error, match=message):
        check_request(DECK["countdown-threads"], **{field: value})


def test_a_cpp_cell_runs_on_the_compiler_and_takes_no_python():
    compiler = cpp.compiler()["name"]
    assert check_request(DECK["cpp-threads"]).interpreter["name"] == compiler
    assert check_request(DECK["cpp-threads"], python=compiler).interpreter["name"] == compiler
    with pytest.raises(ValueError, match="is C\\+\\+, compiled by g\\+\\+.*takes no Python interpreter"):
        check_request(DECK["cpp-threads"], python="2.7")
    assert [interp["name"] for interp in suitable(DECK["cpp-threads"])] == [compiler]


def test_an_unsuitable_interpreter_names_those_that_suit():
    old = found("cpython-2.7")
    with pytest.raises(ValueError, match=f"does not run on {old['name']}: it needs .*it runs on: cpython-3"):
        check_request(DECK["switch-interval"], python=old["name"])


def test_hidden_and_browser_only_cells_are_refused():
    with pytest.raises(ValueError, match="hidden setup code"):
        check_request(DECK["convoy-setup"])
    browser_only = next(cell for cell in DECK.values() if cell["browser"] == "only")
    with pytest.raises(ValueError, match="runs only in the browser"):
        check_request(browser_only)
    assert suitable(browser_only) == []
