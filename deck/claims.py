"""Claims on the slides, and the charts they draw on.

- `[[claim: EXPRESSION | sentence with {value}]]` (grammar: demos/claims.py): rendered where it stands
  as its sentence with the measured value and a verdict from the recorded results (holds / does not
  hold on this machine / not measured here). The manifest carries the parsed claims, and the browser
  evaluates them again after a live run (slides/assets/claims.js).
- `[[chart: QUANTITY, QUANTITY... by PARAM]]`: one small chart per quantity against a parameter's
  recorded values (a cell's `sweep-PARAM`), one line per machine and interpreter, drawn at build.

The build parses both while reading the deck: a mistake is `slides/gil.md:LINE: ...`.
"""
import html
import math
import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from deck.fences import find_fences
from deck.errors import DeckError
from demos import claims as grammar

CLAIM = re.compile(r"^\s*\[\[claim:(.*)\]\]\s*$")
CHART = re.compile(r"^\s*\[\[chart:(.*)\]\]\s*$")
SYMBOLS = {">=": "≥", "<=": "≤", "!=": "≠", "==": "=", "/": "÷", "*": "×"}


def _directives(lines, path, pattern, first_line, fences):
    """(line number, text) of each `[[kind: text]]` line outside code fences (the deck's, when the build
    has already read them)."""
    fenced = set()
    for fence in find_fences(lines, path, first_line) if fences is None else fences:
        fenced.update(range(fence.line, fence.end + 1))
    for offset, line in enumerate(lines):
        match = pattern.match(line)
        if match and first_line + offset not in fenced:
            yield first_line + offset, match.group(1).strip()


def collect(lines, path, cells, first_line=1, fences=None):
    """Every claim of the deck, in order, parsed against its cells; each knows its line."""
    by_id = {cell["id"]: cell for cell in cells}
    found = []
    for line, text in _directives(lines, path, CLAIM, first_line, fences):
        try:
            claim = grammar.parse(text, by_id)
        except grammar.ClaimError as error:
            raise DeckError(path, line, f"claim: {error}") from None
        claim.update(id=len(found), line=line, source=text)
        found.append(claim)
    return found


def collect_charts(lines, path, cells, first_line=1, fences=None):
    """Every chart of the deck: {"source", "line", "param", "panels": [(label, ref, quantity)]}."""
    by_id = {cell["id"]: cell for cell in cells}
    found = []
    for line, text in _directives(lines, path, CHART, first_line, fences):
        quantities, by, param = text.rpartition(" by ")
        try:
            if not by or not quantities.strip():
                raise grammar.ClaimError("a chart is 'QUANTITY, QUANTITY... by PARAM'")
            panels = []
            for item in quantities.split(","):
                ref, quantity = grammar.parse_quantity(item, by_id)
                if param.strip() not in by_id[ref["cell"]]["params"]:
                    raise grammar.ClaimError(f"cell {ref['cell']} has no parameter {param.strip()!r}")
                panels.append((item.strip(), ref, quantity))
        except grammar.ClaimError as error:
            raise DeckError(path, line, f"chart: {error}") from None
        found.append({"source": text, "line": line, "param": param.strip(), "panels": panels})
    return found


def pretty(text):
    """The claim as the slide prints it: ≥ for >=, ÷ for /."""
    return re.sub(r"(?<=\s)(>=|<=|!=|==|/|\*)(?=\s)", lambda m: SYMBOLS[m.group(1)], text)


def render(claim, outcome):
    """The claim's HTML; slides/assets/claims.js builds the same elements after a live run."""
    esc = html.escape
    machines = sorted({unit["machine"] for unit in outcome["units"]})
    details = [f'<code>{esc(pretty(claim["text"]))}</code>'] + [esc(text) for text in grammar.unit_texts(claim, outcome)]
    if machines:
        details.append(esc("recorded on " + ", ".join(machines)))
    return (f'<div class="claim" data-claim="{claim["id"]}" data-verdict="{outcome["verdict"]}">'
            f'<p class="claim-headline"><span class="claim-sentence">{esc(grammar.sentence(claim, outcome))}</span> '
            f'<span class="claim-verdict">{esc(grammar.verdict_text(claim, outcome))}</span></p>'
            f'<p class="claim-detail">{" · ".join(details)}</p></div>')


def series(chart, ref, quantity, results):
    """{(machine, interpreter): [(x, y), ...]} of one panel: the ref's cell at each recorded value of the
    chart's parameter, every other parameter at the value its first result has."""
    out = {}
    for result in grammar.latest(results):
        params = result.get("params", {})
        if result["cell"] != ref["cell"] or chart["param"] not in params:
            continue
        if any(params.get(k) != v for k, v in ref["params"].items()):
            continue
        y = grammar.quantity(result, None, quantity)
        if y is not None:
            out.setdefault((result["machine"]["name"], result["interpreter"]["name"]), []).append(
                (params[chart["param"]], y, params))
    for key, points in out.items():  # one line: the other parameters as in its first point
        first = {k: v for k, v in points[0][2].items() if k != chart["param"]}
        out[key] = sorted((x, y) for x, y, p in points if all(p.get(k) == v for k, v in first.items()))
    return {key: points for key, points in out.items() if len(points) >= 2}


def panel_svg(label, lines, param):
    """One panel: log x (the parameter), linear y from 0; text at 16 units, drawn ~1:1 on the slide."""
    w, h, left, bottom, top = 340, 250, 62, 46, 30
    esc = html.escape
    if not lines:
        return (f'<svg class="sweep-chart" viewBox="0 0 {w} {h}" role="img" aria-label="{esc(label)}">'
                f'<text class="title" x="{w / 2}" y="20" text-anchor="middle">{esc(label)}</text>'
                f'<text x="{w / 2}" y="{h / 2}" text-anchor="middle">not recorded here</text></svg>')
    xs = sorted({x for points in lines.values() for x, _ in points})
    top_y = max(y for points in lines.values() for _, y in points) * 1.1 or 1
    lx = lambda x: left + (math.log10(x) - math.log10(xs[0])) / ((math.log10(xs[-1]) - math.log10(xs[0])) or 1) \
        * (w - left - 14)
    ly = lambda y: h - bottom - y / top_y * (h - bottom - top)
    parts = [f'<text class="title" x="{w / 2}" y="20" text-anchor="middle">{esc(label)}</text>',
             f'<line class="axis" x1="{left}" y1="{h - bottom}" x2="{w - 10}" y2="{h - bottom}"/>',
             f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}"/>']
    for x in xs:
        parts.append(f'<text x="{lx(x):.1f}" y="{h - bottom + 18}" text-anchor="middle">{x:g}</text>')
    parts.append(f'<text x="{(left + w) / 2}" y="{h - 6}" text-anchor="middle">{esc(param)}</text>')
    for y in (0, top_y / 2, top_y / 1.1):
        parts.append(f'<text x="{left - 6}" y="{ly(y) + 5:.1f}" text-anchor="end">{esc(grammar.number(y))}</text>')
    for i, (key, points) in enumerate(sorted(lines.items())):
        path = " ".join(f"{lx(x):.1f},{ly(y):.1f}" for x, y in points)
        parts.append(f'<polyline class="series-{i % 4}" points="{path}"><title>{esc(" · ".join(key))}</title>'
                     f'</polyline>')
        parts += [f'<circle class="series-{i % 4}" cx="{lx(x):.1f}" cy="{ly(y):.1f}" r="4"/>' for x, y in points]
    return (f'<svg class="sweep-chart" viewBox="0 0 {w} {h}" role="img" aria-label="{esc(label)}">'
            + "".join(parts) + "</svg>")


def render_chart(chart, results):
    panels, keys = [], set()
    for label, ref, quantity in chart["panels"]:
        lines = series(chart, ref, quantity, results)
        keys |= set(lines)
        panels.append(panel_svg(label, lines, chart["param"]))
    legend = " · ".join(f"{interp} on {machine}" for machine, interp in sorted(keys)) or \
        f"no recording sweeps {chart['param']} yet: python -m demos record"
    return (f'<div class="sweep-charts" data-param="{html.escape(chart["param"])}">{"".join(panels)}'
            f'<p class="sweep-legend">{html.escape(legend)}</p></div>')


class ClaimPreprocessor(Preprocessor):
    def __init__(self, md, claims, charts, results):
        super().__init__(md)
        self.claims = {claim["source"]: claim for claim in claims}
        self.charts = {chart["source"]: chart for chart in charts}
        self.results = results

    def run(self, lines):
        out = []
        for line in lines:
            claim, chart = CLAIM.match(line), CHART.match(line)
            claim = claim and self.claims.get(claim.group(1).strip())
            chart = chart and self.charts.get(chart.group(1).strip())
            if claim:
                out.extend(["", self.md.htmlStash.store(render(claim, grammar.evaluate(claim, self.results))), ""])
            elif chart:
                out.extend(["", self.md.htmlStash.store(render_chart(chart, self.results)), ""])
            else:
                out.append(line)
        return out


class ClaimExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"claims": [[], "the deck's parsed claims (collect())"],
                       "charts": [[], "the deck's parsed charts (collect_charts())"],
                       "results": [[], "recorded results, each with its machine"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(ClaimPreprocessor(md, self.getConfig("claims"), self.getConfig("charts"),
                                                    self.getConfig("results")), "deck_claims", 25)


def makeExtension(**kwargs):
    return ClaimExtension(**kwargs)
