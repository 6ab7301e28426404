"""Claims: the grammar, its errors as `file:LINE`, verdicts over results, and `python -m demos claims`."""
import copy
import json
import os
import subprocess
import sys

import pytest

from deck.claims import collect, collect_charts, render, render_chart
from demos import claims, manifest
from tests.conftest import ROOT
from tests.test_deck_build import build
from tests.test_demos_runner import cell, measure

CELLS = {cell["id"]: cell for cell in manifest.load()["cells"]}
RESULTS = os.path.join(ROOT, "results", "amd-epyc-2c.json")
INTERP = {"2.7": {"name": "cpython-2.7.18", "version": "2.7.18", "implementation": "CPython", "gil_enabled": True},
          "3.11": {"name": "cpython-3.11.7", "version": "3.11.7", "implementation": "CPython", "gil_enabled": True},
          "3.13t": {"name": "cpython-3.13.0t", "version": "3.13.0", "implementation": "CPython",
                    "gil_enabled": False, "free_threaded": True}}


def result(cell, interp, median=None, machine="box", params=None, values=None, runs=None, **summary):
    """A result in the shape the runner writes, with only what a claim reads."""
    return {"cell": cell, "interpreter": INTERP[interp], "machine": {"name": machine},
            "params": CELLS[cell]["params"] and {k: d["default"] for k, d in CELLS[cell]["params"].items()}
            if params is None else params,
            "runs": runs or [{"status": "ok", "cell_s": median, "values": values or {}}],
            "summary": {"median_cell_s": median, "values": values or {}, **summary}}


def parse(text):
    return claims.parse(text, CELLS)


def verdict(text, results, focus=None):
    outcome = claims.evaluate(parse(text), results, focus)
    return outcome and (outcome["verdict"], outcome["value"])


def demos(*args):
    return subprocess.run([sys.executable, "-m", "demos", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


# ---- the grammar ----

def test_a_claim_parses_into_the_json_form_the_browser_evaluates():
    claim = parse("countdown-threads / countdown-sequential >= 1.3 on cpython-2.7 | two threads: {value}×")
    assert claim["ops"] == [">="] and claim["sentence"] == "two threads: {value}×"
    assert claim["operands"] == [{"op": "/", "a": {"ref": 0, "q": "time"}, "b": {"ref": 1, "q": "time"}},
                                 {"num": 1.3}]
    assert [ref["cell"] for ref in claim["refs"]] == ["countdown-threads", "countdown-sequential"]
    assert json.loads(json.dumps(claim))["on"] == [["version", "cpython", "prefix", [2, 7], False]]


def test_pins_counts_chains_and_arithmetic():
    claim = parse("(convoy[INTERVAL=0.02].beside_thread - convoy.alone) / (convoy.INTERVAL * 1e6) >= 0.8")
    assert claim["refs"][0] == {"cell": "convoy", "params": {"INTERVAL": 0.02}, "on": None}
    assert parse("refcount-race.final != 0 in 4 of 5 runs")["count"] == [4, 5]
    assert parse("0.8 <= countdown-threads.cpu <= 1.1")["ops"] == ["<=", "<="]
    pinned = parse("countdown-threads[cpython-2.7].switches / countdown-threads[cpython>=3.2].switches > 10")
    assert pinned["refs"][0]["on"] == [("version", "cpython", "prefix", (2, 7), False)]


@pytest.mark.parametrize("text, message", [
    ("no-such-cell > 1", "unknown cell 'no-such-cell'"),
    ("convoy-setup > 1", "unknown cell 'convoy-setup'"),
    ("convoy.latency > 1", "cell convoy has no quantity 'latency' (it has: INTERVAL, TRIPS, alone,"),
    ("countdown-threads > 1 on cpython~3", "bad interpreter selector"),
    ("countdown-threads > 1 on perl", "unknown implementation 'perl'"),
    ("countdown-threads[TOTAL_WORK=1] > 1", "parameter TOTAL_WORK: 1 is outside"),
    ("countdown-threads[COLOUR=1] > 1", "has no parameter 'COLOUR'"),
    ("countdown-threads", "a claim compares"),
    ("countdown-threads > (1", "expected ')'"),
    ("countdown-threads > 1 in 6 of 5 runs", "needs 0 < 6 <= 5"),
    ("convoy.alone / countdown-threads > 1 in 1 of 2 runs", "names one cell"),
    ("countdown-threads > 1 ; rm -rf", "unexpected '; rm -rf'"),
    ("__import__('os') > 1", "unexpected"),
], ids=["unknown-cell", "hidden-cell", "unknown-quantity", "bad-selector", "unknown-implementation",
        "pin-out-of-range", "pin-unknown-param", "no-comparison", "unclosed-paren", "bad-count",
        "count-two-cells", "junk", "no-eval"])
def test_a_bad_claim_says_what_is_wrong(text, message):
    with pytest.raises(claims.ClaimError) as error:
        parse(text)
    assert message in str(error.value)


CELL = "```python {#ok .demo}\nemit('n', 1)\n```\n"


@pytest.mark.parametrize("source, line, message", [
    (CELL + "\n[[claim: nope > 1]]\n", 5, "claim: unknown cell 'nope'"),
    (CELL + "\n[[claim: ok.m > 1]]\n", 5, "claim: cell ok has no quantity 'm' (it has: cpu, n, overlap"),
    (CELL + "---\n\n[[claim: ok > 1 on cobol]]\n", 6, "claim: unknown implementation 'cobol'"),
    (CELL + "\n[[chart: ok.n by N]]\n", 5, "chart: cell ok has no parameter 'N'"),
], ids=["unknown-cell", "unknown-quantity", "unknown-selector", "chart-unknown-param"])
def test_a_bad_claim_in_the_deck_is_file_line_exit_2_and_the_last_site_stays(tmp_path, source, line, message):
    deck, out = tmp_path / "deck.md", tmp_path / "site"
    deck.write_text("# Good\n")
    assert build("--deck", str(deck), "--out", str(out)).returncode == 0
    before = (out / "index.html").read_text()
    deck.write_text(source)
    done = build("--deck", str(deck), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[0].startswith(f"{deck}:{line}: {message}"), done.stderr
    assert (out / "index.html").read_text() == before


def test_claims_inside_code_fences_are_code():
    lines = ["```", "[[claim: nope > 1]]", "```", "[[claim: countdown-threads > 0]]"]
    assert [c["line"] for c in collect(lines, "deck.md", list(CELLS.values()))] == [4]


# ---- verdicts ----

def test_a_ratio_holds_fails_or_is_not_measured():
    text = "countdown-threads / countdown-sequential >= 1.3 on cpython-2.7"
    assert verdict(text, [result("countdown-threads", "2.7", 0.26), result("countdown-sequential", "2.7", 0.13)]) \
        == ("holds", "2.00")
    assert verdict(text, [result("countdown-threads", "2.7", 0.14), result("countdown-sequential", "2.7", 0.13)]) \
        == ("fails", "1.08")
    assert verdict(text, [result("countdown-threads", "2.7", 0.26)]) == ("unmeasured", "?")
    # the other interpreter's numbers are not this claim's
    assert verdict(text, [result("countdown-threads", "3.11", 0.2), result("countdown-sequential", "3.11", 0.1)]) \
        == ("unmeasured", "?")


def test_a_ratio_takes_both_cells_from_one_machine_interpreter_and_parameter_set():
    text = "countdown-threads / countdown-sequential >= 1.3"
    other = {"TOTAL_WORK": 20000000}
    assert verdict(text, [result("countdown-threads", "2.7", 0.26), result("countdown-sequential", "2.7", 0.13,
                                                                            machine="elsewhere")])[0] == "unmeasured"
    assert verdict(text, [result("countdown-threads", "2.7", 0.26),
                          result("countdown-sequential", "2.7", 0.26, params=other)])[0] == "unmeasured"
    assert verdict(text, [result("countdown-threads", "2.7", 0.26), result("countdown-sequential", "2.7", 0.26,
                                                                            params=other),
                          result("countdown-sequential", "2.7", 0.13)]) == ("holds", "2.00")


def test_each_interpreter_must_hold_and_the_value_is_their_range():
    text = "countdown-sequential / countdown-threads <= 1.3 on cpython>=3.2"
    both = [result("countdown-threads", "3.11", 0.2), result("countdown-sequential", "3.11", 0.2),
            result("countdown-threads", "2.7", 0.1), result("countdown-sequential", "2.7", 0.3)]  # 2.7: not named
    assert verdict(text, both) == ("holds", "1.00")
    failing = both + [result("countdown-threads", "3.13t", 0.1), result("countdown-sequential", "3.13t", 0.19)]
    outcome = claims.evaluate(parse(text), failing)
    assert (outcome["verdict"], outcome["value"]) == ("fails", "1.00–1.90")
    assert claims.verdict_text(parse(text), outcome) == "does not hold on this machine: cpython-3.13.0t: 1.90"


def test_later_results_win_and_focus_keeps_only_what_the_slide_shows():
    text = "countdown-threads / countdown-sequential >= 1.3 on cpython-2.7"
    recorded = [result("countdown-threads", "2.7", 0.26), result("countdown-sequential", "2.7", 0.13)]
    live = result("countdown-threads", "2.7", 0.14)
    assert verdict(text, recorded + [live]) == ("fails", "1.08")
    assert verdict(text, recorded + [live], focus=[live]) == ("fails", "1.08")
    elsewhere = result("countdown-threads", "2.7", 0.3, machine="laptop")
    assert verdict(text, recorded + [elsewhere], focus=[elsewhere]) == ("unmeasured", "?")
    assert verdict(text, recorded + [result("countdown-threads", "3.11", 0.2)],
                   focus=[result("countdown-threads", "3.11", 0.2)]) is None  # not about this run


def test_named_values_parameters_and_counts_over_runs():
    runs = [{"status": "ok", "values": {"final": v}} for v in (-4650, 3024, 0, 4429, -700)]
    race = result("refcount-race", "3.11", 0.02, runs=runs, values={"final": -299})
    assert verdict("refcount-race.final != 0 in 4 of 5 runs", [race]) == ("holds", "4 of 5 runs")
    assert verdict("refcount-race.final != 0 in 5 of 5 runs", [race]) == ("fails", "4 of 5 runs")
    convoy = result("convoy", "3.11", 1.2, values={"alone": 221, "beside_thread": 5270})
    assert verdict("(convoy.beside_thread - convoy.alone) / (convoy.INTERVAL * 1e6) >= 0.8", [convoy]) \
        == ("holds", "1.01")
    io = result("io-threads", "3.11", 0.204)
    assert verdict("io-threads / io-threads.DELAY <= 1.5", [io]) == ("holds", "1.02")


def test_interpreters_compared_within_one_claim():
    text = "countdown-threads[cpython-2.7].switches / countdown-threads[cpython>=3.2].switches >= 10"
    results = [result("countdown-threads", "2.7", 0.25, voluntary_ctxt=11297),
               result("countdown-threads", "3.11", 0.18, voluntary_ctxt=94)]
    assert verdict(text, results) == ("holds", "120")


def test_the_rendered_claim_has_its_sentence_value_and_verdict():
    claim = dict(parse("countdown-threads / countdown-sequential >= 1.3 on cpython-2.7 | two threads: {value}×"),
                 id=3)
    html = render(claim, claims.evaluate(claim, [result("countdown-threads", "2.7", 0.26),
                                                 result("countdown-sequential", "2.7", 0.13)]))
    assert 'data-claim="3" data-verdict="holds"' in html
    assert '<span class="claim-sentence">two threads: 2.00×</span>' in html
    assert "countdown-threads ÷ countdown-sequential ≥ 1.3 on cpython-2.7" in html and "recorded on box" in html


def test_a_sweep_chart_draws_one_line_per_interpreter_from_the_recorded_values():
    chart = collect_charts(["[[chart: switch-interval.switches by INTERVAL]]"], "deck.md", list(CELLS.values()))[0]
    sweep = [result("switch-interval", "3.11", 0.2, params={"INTERVAL": x, "TOTAL_WORK": 10000000},
                    voluntary_ctxt=n) for x, n in ((0.0001, 2000), (0.005, 90), (0.02, 30))]
    html = render_chart(chart, sweep)
    assert html.count("<polyline") == 1 and html.count("<circle") == 3 and "cpython-3.11.7 on box" in html
    assert "not recorded here" in render_chart(chart, sweep[:1])


# ---- the deck and its recording ----

def test_the_deck_states_at_least_twenty_claims():
    with open(os.path.join(ROOT, "slides", "gil.md")) as f:
        assert len(collect(f.read().split("\n"), "slides/gil.md", list(CELLS.values()))) >= 20


def test_every_claim_the_committed_results_measure_holds_on_them():
    done = demos("claims", "--json")
    rows = json.loads(done.stdout)
    assert done.returncode == 0, [row for row in rows if row["verdict"] == "fails"]
    assert sum(row["verdict"] == "holds" for row in rows) >= 10
    assert all(row["verdict"] in ("holds", "unmeasured") for row in rows)


def test_one_changed_number_flips_its_claim_and_the_exit_status(tmp_path):
    with open(RESULTS) as f:
        data = json.load(f)
    changed = copy.deepcopy(data)
    for entry in changed["results"]:  # 2.7's two threads now as fast as one
        if entry["cell"] == "countdown-threads" and entry["interpreter"]["name"].startswith("cpython-2.7"):
            entry["summary"]["median_cell_s"] = 0.13
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed))
    before, after = demos("claims", "--results", RESULTS), demos("claims", "--results", str(path))
    assert before.returncode == 0 and after.returncode == 1, after.stdout
    line = next(row for row in after.stdout.splitlines() if "countdown-threads / countdown-sequential >= 1.3" in row)
    assert "does not hold on this machine" in line and "0.99" in line
    assert "holds" in next(row for row in before.stdout.splitlines()
                           if "countdown-threads / countdown-sequential >= 1.3" in row)


@pytest.mark.parametrize("content", ["not json", '{"results": 5}'], ids=["not-json", "bad-shape"])
def test_a_bad_results_file_is_exit_2(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    done = demos("claims", "--results", str(path))
    assert done.returncode == 2 and "results file" in done.stderr


# ---- named values: emit(name, number) in a cell ----

@pytest.mark.parametrize("python", ["2.7", None], ids=["2.7", "default"])
def test_a_cell_emits_named_values_the_result_keeps_per_run_and_as_a_median(python):
    source = "import os\nemit('pid_parity', os.getpid() % 2)\nemit('n', 1)\nemit('n', 2 ** 40)\n"
    result = measure(dict(cell(source), repeat=3), python=python)
    assert [run["status"] for run in result["runs"]] == ["ok"] * 3
    assert all(run["values"]["n"] == 2 ** 40 for run in result["runs"])  # the last value per name
    assert result["summary"]["values"]["n"] == 2 ** 40
    parities = sorted(run["values"]["pid_parity"] for run in result["runs"])
    assert result["summary"]["values"]["pid_parity"] == parities[1]


@pytest.mark.parametrize("source, message", [
    ("emit('two words', 1)", "the name must be an identifier"),
    ("emit('n', 'many')", "n must be a number"),
    ("emit('n', float('nan'))", "n must be finite"),
], ids=["bad-name", "not-a-number", "not-finite"])
def test_a_bad_emit_fails_the_run_with_its_reason(source, message):
    run = measure(cell(source), python="2.7")["runs"][0]
    assert run["status"] == "error" and message in run["stderr"] and run["values"] == {}
