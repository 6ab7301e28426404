"""Recorded results (demos/results.py reads them) on the slides.

`[[benchmarked-on]]` becomes the machines and interpreters the numbers come from; `[[results-comparison]]`
a table across every results file: each baseline cell's time, and each cell declared `baseline=ID`
as a speed-up over that cell (baseline time ÷ its time), one row per machine and interpreter.
"""
import html

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from deck.source import Source


NO_RESULTS = ('<p class="no-results">No recorded results yet: run <code>make record</code> '
              '(<code>python -m demos record</code>) on this machine.</p>')


def shown(files, cells):
    """What the results directives show: the results files, and each cell's baseline (deck order)."""
    return {"files": files, "baselines": {cell["id"]: cell["baseline"] for cell in cells if cell["baseline"]}}


def _esc(value):
    return html.escape(str(value))


def benchmarked_on(shown):
    if not shown["files"]:
        return NO_RESULTS
    rows = []
    for data in shown["files"]:
        m = data["machine"]
        interps = sorted({r["interpreter"]["name"] for r in data["results"]})
        rows.append(f"<tr><td>{_esc(m['cpu_model'])}</td><td>{_esc(m['cores'])}</td><td>{_esc(m['memory_gb'])} GB</td>"
                    f"<td>{_esc(m['os'])}<br><small>Linux {_esc(m['kernel'])}</small></td>"
                    f"<td><small>{_esc(', '.join(interps))}</small></td><td>{_esc(data.get('recorded_at', ''))}</td></tr>")
    return ('<table class="benchmarked-on"><thead><tr><th>CPU</th><th>cores</th><th>memory</th><th>OS</th>'
            '<th>interpreters</th><th>recorded</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")


def _medians(data):
    """(cell, interpreter name) → median cell time, the first recorded of each."""
    medians = {}
    for result in data["results"]:
        medians.setdefault((result["cell"], result["interpreter"]["name"]), result["summary"]["median_cell_s"])
    return medians


def comparison(shown):
    baselines = shown["baselines"]
    bases = list(dict.fromkeys(baselines.values()))
    head = ([f"<th>{_esc(base)}</th>" for base in bases]
            + [f"<th>{_esc(cell)}<br><small>speed-up over {_esc(base)}</small></th>" for cell, base in baselines.items()])
    rows = []
    for data in shown["files"]:
        medians = _medians(data)
        interps = dict.fromkeys(name for cell, name in medians if cell in baselines)
        for name in interps:
            seconds = lambda cell: medians.get((cell, name))
            cells = ([f"{seconds(base):.3f} s" if seconds(base) else "–" for base in bases]
                     + [f"{seconds(base) / seconds(cell):.2f}×" if seconds(base) and seconds(cell) else "–"
                        for cell, base in baselines.items()])
            machine = f"{data['machine']['cpu_model']} ({data['machine']['cores']} cores)"
            rows.append("<tr>" + "".join(f"<td>{_esc(text)}</td>" for text in [machine, name, *cells]) + "</tr>")
    table = ('<table class="results-comparison"><thead><tr><th>machine</th><th>interpreter</th>' + "".join(head)
             + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return table if rows else table + NO_RESULTS


DIRECTIVES = {"[[benchmarked-on]]": benchmarked_on, "[[results-comparison]]": comparison}


class ResultsPreprocessor(Preprocessor):
    def __init__(self, md, shown, source):
        super().__init__(md)
        self.shown, self.source = shown, source

    def run(self, lines):
        lines_ = [line.strip() for line in self.source.lines]
        if "[[results-comparison]]" in lines_ and not self.shown["baselines"]:
            raise self.source.error(lines_.index("[[results-comparison]]"),
                                    "[[results-comparison]] compares cells with a baseline=, and no cell has one")
        return [self.md.htmlStash.store(DIRECTIVES[line.strip()](self.shown))
                if line.strip() in DIRECTIVES else line for line in lines]


class ResultsExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"shown": [{"files": [], "baselines": {}}, "what the directives show (shown())"],
                       "source": [Source(), "the deck lines being converted (deck.source)"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(ResultsPreprocessor(md, self.getConfig("shown"), self.getConfig("source")), "deck_results", 26)


def makeExtension(**kwargs):
    return ResultsExtension(**kwargs)
