"""Recorded results (results/*.json, written by `python -m demos record`) on the slides.

`[[benchmarked-on]]` becomes the machines and interpreters the numbers come
from; `[[results-comparison]]` a table across every results file, with the
original talk's figures (early 2018, on a MacBook Air of early 2015) as a quoted row that is
clearly not ours.
"""
import glob
import html
import json
import os

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

SEED = {"machine": "MacBook Air (13-inch, Early 2015), 1.6 GHz Intel Core i5, 4 GB",
        "interpreter": "CPython 2.x (the original talk)", "sequential": 0.632690191269, "threads": 0.9114282608}
NO_RESULTS = ('<p class="no-results">No recorded results yet: run <code>make record</code> '
              '(<code>python -m demos record</code>) on this machine.</p>')


def load(results_dir):
    """Every results file, oldest first; an unreadable file is skipped with a note, not fatal."""
    files = []
    for path in sorted(glob.glob(os.path.join(results_dir, "*.json"))):
        try:
            with open(path) as f:
                data = json.load(f)
            data["file"] = os.path.basename(path)
            files.append(data)
        except (OSError, ValueError) as error:
            print(f"warning: skipping results file {path}: {error}")
    return files


def for_browser(files):
    """What site/results.js carries: every result, each with its machine."""
    return {"results": [dict(result, machine=data["machine"]) for data in files for result in data["results"]]}


def _esc(value):
    return html.escape(str(value))


def benchmarked_on(files):
    if not files:
        return NO_RESULTS
    rows = []
    for data in files:
        m = data["machine"]
        interps = sorted({r["interpreter"]["name"] for r in data["results"]})
        rows.append(f"<tr><td>{_esc(m['cpu_model'])}</td><td>{_esc(m['cores'])}</td><td>{_esc(m['memory_gb'])} GB</td>"
                    f"<td>{_esc(m['os'])}<br><small>Linux {_esc(m['kernel'])}</small></td>"
                    f"<td><small>{_esc(', '.join(interps))}</small></td><td>{_esc(data.get('recorded_at', ''))}</td></tr>")
    return ('<table class="benchmarked-on"><thead><tr><th>CPU</th><th>cores</th><th>memory</th><th>OS</th>'
            '<th>interpreters</th><th>recorded</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")


def _median(data, cell, interp):
    for result in data["results"]:
        if result["cell"] == cell and result["interpreter"]["name"] == interp:
            return result["summary"]["median_cell_s"]
    return None


def _ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "–"


def _row(machine, interp, seq, threads, procs=None, native=(None, None), quoted=False):
    fmt = lambda v: f"{v:.3f} s" if v else "–"
    cls = ' class="quoted"' if quoted else ""
    return (f"<tr{cls}><td>{_esc(machine)}</td><td>{_esc(interp)}</td><td>{fmt(seq)}</td><td>{fmt(threads)}</td>"
            f"<td>{_ratio(threads, seq)}</td><td>{_ratio(seq, procs)}</td><td>{_ratio(*native)}</td></tr>")


def comparison(files):
    rows = [_row(SEED["machine"] + " — quoted from the original talk (early 2018), not measured by us", SEED["interpreter"],
                 SEED["sequential"], SEED["threads"], quoted=True)]
    for data in files:
        interps = []
        for result in data["results"]:
            name = result["interpreter"]["name"]
            if result["cell"] == "countdown-threads" and name not in interps:
                interps.append(name)
        for name in interps:
            rows.append(_row(data["machine"]["cpu_model"] + f" ({data['machine']['cores']} cores)", name,
                             _median(data, "countdown-sequential", name), _median(data, "countdown-threads", name),
                             _median(data, "countdown-processes", name),
                             (_median(data, "native-sequential", name), _median(data, "native-threads", name))))
    table = ('<table class="results-comparison"><thead><tr><th>machine</th><th>interpreter</th><th>sequential</th>'
             '<th>2 threads</th><th>threads ÷ sequential</th><th>2 processes speed-up</th>'
             '<th>C extension, 2 threads speed-up</th></tr></thead><tbody>'
             + "".join(rows) + "</tbody></table>")
    return table if files else table + NO_RESULTS


class ResultsPreprocessor(Preprocessor):
    def run(self, lines):
        directives = {"[[benchmarked-on]]": benchmarked_on, "[[results-comparison]]": comparison}
        return [self.md.htmlStash.store(directives[line.strip()](self.md.deck_results))
                if line.strip() in directives else line for line in lines]


class ResultsExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(ResultsPreprocessor(md), "deck_results", 26)


def makeExtension(**kwargs):
    return ResultsExtension(**kwargs)
