"""`python -m demos` as a user types it: the documented JSON, one clear line and exit 2 on mistakes."""
import json
import subprocess
import sys

import pytest

from demos import interpreters
from tests.conftest import ROOT, installed


def demos(*args):
    return subprocess.run([sys.executable, "-m", "demos", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_run_json_prints_one_result_object():
    done = demos("run", "countdown-sequential", "--repeat", "2", "--param", "TOTAL_WORK=100000", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["cell"] == "countdown-sequential" and len(result["runs"]) == 2
    assert result["params"] == {"TOTAL_WORK": 100000}
    assert result["interpreter"]["name"] == interpreters.resolve()["name"]  # the default: this venv's
    assert "path" not in result["interpreter"]


def test_list_names_every_runnable_cell_and_no_hidden_one():
    out = demos("list").stdout
    assert "countdown-threads" in out and "native-threads" in out
    assert "convoy-setup" not in out


def test_interpreters_lists_the_default():
    out = demos("interpreters").stdout
    assert "(default)" in out and out.startswith("cpython-3")


def test_interpreters_lists_jython_without_a_gil_and_pypy_with_one():
    jython, pypy = installed("jython"), installed("pypy")
    lines = {line.split()[0]: line for line in demos("interpreters").stdout.splitlines()}
    assert any(name.startswith("jython-2.7.") and " no GIL " in line and jython in line for name, line in lines.items())
    assert any(name.startswith("pypy-3.") and " GIL " in line and pypy in line for name, line in lines.items())


def test_run_json_on_jython_by_name():
    installed("jython")
    name = next(line.split()[0] for line in demos("interpreters").stdout.splitlines() if line.startswith("jython-"))
    done = demos("run", "countdown-threads", "--python", name, "--repeat", "1", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["interpreter"]["name"] == name and result["interpreter"]["gil_enabled"] is False
    assert [t["role"] for t in result["runs"][0]["timeline"]["threads"]].count("worker") == 2
    assert set(result["summary"]) >= {"overlap", "parallelism", "runnable", "cpu_utilisation"}


@pytest.mark.parametrize("args, message", [
    (["run", "no-such-cell"], "unknown cell 'no-such-cell'"),
    (["run", "convoy-setup"], "unknown cell 'convoy-setup'"),
    (["run", "countdown-threads", "--param", "TOTAL_WORK=lots"], "parameter TOTAL_WORK: expected int"),
    (["run", "countdown-threads", "--param", "TOTAL_WORK"], "--param wants NAME=VALUE"),
    (["run", "countdown-threads", "--python", "/no/such/python"], "no interpreter '/no/such/python'"),
    (["run", "countdown-threads", "--repeat", "21"], "repeat must be an integer from 1 to 20"),
    (["run", "cpp-threads", "--python", "3"], "takes no Python interpreter (got '3')"),
    (["run", "sympy-solveset"], "runs only in the browser (Pyodide): it needs sympy, mpmath"),
    (["run", "countdown-threads", "--gil", "off"], "has no GIL to switch"),
], ids=["unknown", "hidden", "bad-param", "param-syntax", "missing-interpreter", "repeat",
        "python-for-cpp", "browser-only", "gil-switch-without-pythongil"])
def test_mistakes_give_one_clear_line_and_exit_2(args, message):
    done = demos(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr


def test_a_native_cell_refuses_another_interpreter_by_name():
    others = interpreters.find()[1:]
    if not others:
        pytest.skip("no interpreter here but the default")
    done = demos("run", "native-threads", "--python", others[0]["name"])
    assert done.returncode == 2 and f"does not run on {others[0]['name']}: it needs the interpreter the native" \
        in done.stderr
