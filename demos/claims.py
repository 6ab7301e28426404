"""Claims: a number the talk states, written as a comparison over measured quantities, and its verdict.

A claim is parsed by a small hand-written grammar (a tokeniser and a recursive-descent parser, never
eval) into a JSON-able dict; the build carries that dict in the manifest, so the browser
(slides/assets/claims.js) evaluates the same form the same way after a live run.

    claim     := chain [count] [on]
    chain     := sum (OP sum)+                      every comparison holds: 0.8 <= a / b <= 1.2
    sum       := product (("+" | "-") product)*     "+" and "-" stand between spaces (ids have dashes)
    product   := atom (("*" | "/") atom)*
    atom      := NUMBER | quantity | "(" sum ")"
    quantity  := CELL ["[" pin ("," pin)* "]"] ["." NAME]
    pin       := PARAM "=" NUMBER                   that parameter value only
               | SELECTOR-TERM                      this interpreter, not the claim's (compares interpreters)
    count     := "in" INT "of" INT "runs"           per run: holds in at least that share of the ok runs
    on        := "on" ("each" | SELECTOR)           demos/selectors.py; default: each interpreter recorded
    OP        := ">=" | "<=" | ">" | "<" | "==" | "!="

NAME is `time` (the cell time, the default), `wall`, `cpu` (CPU seconds / wall seconds), `switches`
(voluntary context switches), `overlap` or `parallelism` (from the runner's summary), a parameter
of the cell (`DELAY`), or a value the cell emits with `emit("name", number)`.

A claim is evaluated for each interpreter its selector names, on each machine: the quantities of one
evaluation come from results of the same machine and interpreter whose shared parameters are equal.
It holds when it holds in each evaluation that could be measured.
"""
import itertools
import json
import math
import re

from demos import selectors
from demos.params import coerce

BUILTIN = {"time": ("median_cell_s", "cell_s"), "wall": ("median_wall_s", "wall_s"),
           "cpu": ("cpu_utilisation", None), "switches": ("voluntary_ctxt", "voluntary_ctxt"),
           "overlap": ("overlap", "overlap"), "parallelism": ("parallelism", "parallelism")}
OPS = (">=", "<=", "==", "!=", ">", "<")
TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w-]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)
  | (?P<op>>=|<=|==|!=|>|<)
  | (?P<pin>\[[^\]]*\])
  | (?P<punct>[().*/+-])
""", re.X)
EMIT = re.compile(r"""\bemit\(\s*["']([A-Za-z_]\w*)["']""")
PIN_PARAM = re.compile(r"^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$")
VERDICTS = {"holds": "holds", "fails": "does not hold on this machine", "unmeasured": "not measured here"}


class ClaimError(ValueError):
    """A claim that cannot be parsed or names something the deck does not have."""


def emitted(cell):
    """The names a cell's code emits with emit("name", value)."""
    return sorted(set(EMIT.findall(cell.get("setup", "") + "\n" + cell["source"])))


def tokenise(text):
    tokens, at = [], 0
    while at < len(text):
        match = TOKEN.match(text, at)
        if not match:
            raise ClaimError(f"unexpected {text[at:at + 12]!r} at column {at + 1}")
        kind = match.lastgroup
        if kind == "name" and match.group() == "on":  # the rest is a selector, in its own grammar
            tokens.append(("on", text[match.end():].strip()))
            break
        if kind != "space":
            tokens.append((kind, match.group()))
        at = match.end()
    return tokens


class Parser:
    def __init__(self, text, cells):
        self.tokens, self.at, self.cells, self.refs = tokenise(text), 0, cells, []

    def peek(self, kind=None, value=None):
        if self.at >= len(self.tokens):
            return None
        token = self.tokens[self.at]
        return token if (kind is None or token[0] == kind) and (value is None or token[1] == value) else None

    def take(self, kind=None, value=None, what=None):
        token = self.peek(kind, value)
        if token is None:
            found = self.tokens[self.at][1] if self.at < len(self.tokens) else "the end"
            raise ClaimError(f"expected {what or (repr(value) if value else kind)}, found {found!r}")
        self.at += 1
        return token

    def claim(self):
        operands, ops = [self.sum()], []
        while self.peek("op"):
            ops.append(self.take()[1])
            operands.append(self.sum())
        if not ops:
            raise ClaimError("a claim compares: expected one of " + " ".join(OPS))
        count = None
        if self.peek("name", "in"):
            self.take()
            n = int(float(self.take("number")[1]))
            self.take("name", "of")
            of = int(float(self.take("number")[1]))
            self.take("name", "runs")
            if not 0 < n <= of:
                raise ClaimError(f"'in {n} of {of} runs' needs 0 < {n} <= {of}")
            if len(self.refs) != 1:
                raise ClaimError("a claim counted over runs names one cell")
            count = [n, of]
        on_text = self.take()[1] if self.peek("on") else "each"
        if self.at < len(self.tokens):
            raise ClaimError(f"unexpected {self.tokens[self.at][1]!r}")
        try:
            on = selectors.parse("any" if on_text == "each" else on_text or "?")
        except ValueError as error:
            raise ClaimError(str(error)) from None
        return {"operands": operands, "ops": ops, "count": count, "on": on, "on_text": on_text, "refs": self.refs}

    def sum(self):
        node = self.product()
        while self.peek("punct", "+") or self.peek("punct", "-"):
            node = {"op": self.take()[1], "a": node, "b": self.product()}
        return node

    def product(self):
        node = self.atom()
        while self.peek("punct", "*") or self.peek("punct", "/"):
            node = {"op": self.take()[1], "a": node, "b": self.atom()}
        return node

    def atom(self):
        if self.peek("number"):
            return {"num": float(self.take()[1])}
        if self.peek("punct", "("):
            self.take()
            node = self.sum()
            self.take("punct", ")")
            return node
        return self.quantity()

    def quantity(self):
        name = self.take("name", what="a cell, a number or '('")[1]
        cell = self.cells.get(name)
        if cell is None or cell["hidden"]:
            raise ClaimError(f"unknown cell {name!r}")
        params, on = {}, []
        if self.peek("pin"):
            for item in self.take()[1][1:-1].split(","):
                match = PIN_PARAM.match(item.strip())
                if match:
                    params[match[1]] = self.pin_value(cell, match[1], match[2])
                else:
                    try:
                        on.append(selectors.parse_term(item))
                    except ValueError as error:
                        raise ClaimError(str(error)) from None
        quantity = "time"
        if self.peek("punct", "."):
            self.take()
            quantity = self.take("name", what="a quantity after '.'")[1]
            known = set(BUILTIN) | set(cell["params"]) | set(emitted(cell))
            if quantity not in known:
                raise ClaimError(f"cell {name} has no quantity {quantity!r} (it has: {', '.join(sorted(known))})")
        ref = {"cell": name, "params": params, "on": on or None}
        if ref not in self.refs:
            self.refs.append(ref)
        return {"ref": self.refs.index(ref), "q": quantity}

    @staticmethod
    def pin_value(cell, name, text):
        """The pinned value, type- and range-checked as a run's parameter is."""
        try:
            return coerce(cell, {name: text.strip()})[name]
        except ValueError as error:
            raise ClaimError(str(error)) from None


def parse(text, cells):
    """The claim's JSON-able form (see the module doc); ClaimError names what is wrong.

    `cells` maps cell ids to manifest cells: claims name only cells, parameters and values the deck has."""
    source, _, sentence = text.partition("|")
    claim = Parser(source.strip(), cells).claim()
    claim.update(text=source.strip(), sentence=sentence.strip() or None)
    return claim


def parse_quantity(text, cells):
    """One quantity, as a claim names it (`convoy.beside_thread`) → (ref, quantity name)."""
    parser = Parser(text.strip(), cells)
    node = parser.quantity()
    if parser.at < len(parser.tokens):
        raise ClaimError(f"unexpected {parser.tokens[parser.at][1]!r} after the quantity")
    return parser.refs[0], node["q"]


# ---- evaluation: the same steps as slides/assets/claims.js ----

def _interp_matches(selector, interp):
    return selectors.matches([tuple(t[:3]) + (tuple(t[3]) if t[3] else None, t[4]) for t in selector], interp)


def quantity(result, run, q):
    """A quantity of one result (its summary) or of one of its runs; None when it was not measured."""
    if q in BUILTIN:
        summary_key, run_key = BUILTIN[q]
        if run is None:
            return result["summary"].get(summary_key)
        if q == "cpu":
            return (run["user_s"] + run["sys_s"]) / run["wall_s"] if run.get("wall_s") else None
        return run.get(run_key)
    if q in result.get("params", {}):
        return result["params"][q]
    return ((run if run is not None else result["summary"]).get("values") or {}).get(q)


def _value(node, chosen, runs):
    if "num" in node:
        return node["num"]
    if "ref" in node:
        return quantity(chosen[node["ref"]], runs and runs[node["ref"]], node["q"])
    a, b = _value(node["a"], chosen, runs), _value(node["b"], chosen, runs)
    if a is None or b is None or (node["op"] == "/" and b == 0):
        return None
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[node["op"]]


def _compare(values, ops):
    tests = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
             "<": lambda a, b: a < b, "==": lambda a, b: abs(a - b) <= 1e-9 * max(1, abs(b)),
             "!=": lambda a, b: abs(a - b) > 1e-9 * max(1, abs(b))}
    return all(tests[op](values[i], values[i + 1]) for i, op in enumerate(ops))


def _shown(claim):
    """The operand whose value the sentence shows: the first that measures something."""
    return next((i for i, node in enumerate(claim["operands"]) if "num" not in node), 0)


def latest(results):
    """One result per (machine, interpreter, cell, parameters): the last one given (a live run beats a recording)."""
    keep = {}
    for result in results:
        keep[(result["machine"]["name"], result["interpreter"]["name"], result["cell"],
              tuple(sorted(result.get("params", {}).items())))] = result
    return list(keep.values())


def _fits(result, ref, chosen_params):
    params = result.get("params", {})
    if any(params.get(k) != v for k, v in ref["params"].items()):
        return False
    return all(params[k] == v for k, v in chosen_params.items() if k in params and k not in ref["params"])


def _units(claim, results):
    """Each evaluation: (machine, [result or None per ref]). Refs with their own interpreter selector form
    a group of their own; an evaluation takes one interpreter per group, and each result in turn as the
    anchor whose parameters the others must share."""
    refs = claim["refs"]
    group_of = [json.dumps(ref["on"]) for ref in refs]  # a ref's own selector, as a key
    groups = list(dict.fromkeys(group_of))
    units, seen = [], set()
    for machine in sorted({r["machine"]["name"] for r in results}):
        here = [r for r in results if r["machine"]["name"] == machine and r["cell"] in {x["cell"] for x in refs}]
        interps = {}
        for r in here:
            interps.setdefault(r["interpreter"]["name"], r["interpreter"])
        choices = []
        for group in groups:
            selector = json.loads(group) or claim["on"]
            names = [n for n, i in interps.items() if _interp_matches(selector, i)
                     and any(r["interpreter"]["name"] == n and r["cell"] == ref["cell"]
                             for r in here for ref, of in zip(refs, group_of) if of == group)]
            choices.append(names)
        for binding in itertools.product(*choices):
            where = dict(zip(groups, binding))
            pools = [[r for r in here if r["cell"] == ref["cell"] and r["interpreter"]["name"] ==
                      where[of] and _fits(r, ref, {})] for ref, of in zip(refs, group_of)]
            for anchor, pool in enumerate(pools):
                for first in pool:
                    chosen = [None] * len(refs)
                    chosen[anchor], params = first, dict(first.get("params", {}))
                    for i, ref in enumerate(refs):
                        if i != anchor:
                            fit = [r for r in pools[i] if _fits(r, ref, params)]
                            chosen[i] = fit[-1] if fit else None
                            if chosen[i]:
                                params = {**chosen[i].get("params", {}), **params}
                    key = tuple(id(r) for r in chosen)
                    if key not in seen:
                        seen.add(key)
                        units.append((machine, chosen))
    return units


def evaluate(claim, results, focus=None):
    """The claim's verdict over `results` (each with its machine), later results winning over earlier ones.

    With `focus` (the results a slide shows), only evaluations that use one of them count, and None
    means the claim does not speak of them. Returns {"verdict", "value", "units": [...]}."""
    results = latest(results)
    focus_ids = {id(r) for r in focus} if focus is not None else None
    units = []
    for machine, chosen in _units(claim, results):
        if focus_ids is not None and not focus_ids & {id(r) for r in chosen}:
            continue
        unit = {"machine": machine, "interpreters": list(dict.fromkeys(r["interpreter"]["name"] for r in chosen if r)),
                "params": {k: v for r in chosen if r for k, v in r.get("params", {}).items()},
                "value": None, "holds": None}
        if all(chosen):
            if claim["count"]:
                runs = [run for run in chosen[0]["runs"] if run["status"] == "ok"]
                checked = [_compare(values, claim["ops"]) for values in
                           ([_value(n, chosen, [run] * len(chosen)) for n in claim["operands"]] for run in runs)
                           if None not in values]
                if checked:
                    n, of = claim["count"]
                    unit["value"] = [sum(checked), len(checked)]
                    unit["holds"] = sum(checked) * of >= n * len(checked)
            else:
                values = [_value(n, chosen, None) for n in claim["operands"]]
                if None not in values:
                    unit["value"] = values[_shown(claim)]
                    unit["holds"] = _compare(values, claim["ops"])
        units.append(unit)
    if focus_ids is not None and not units:
        return None
    measured = [u for u in units if u["holds"] is not None]
    verdict = "unmeasured" if not measured else "holds" if all(u["holds"] for u in measured) else "fails"
    return {"verdict": verdict, "units": measured or units, "value": format_value(claim, measured)}


def _fixed(x, places):
    """x with `places` decimals, halves rounded up (as claims.js does it, so both print the same)."""
    return f"{math.floor(x * 10 ** places + 0.5) / 10 ** places:.{places}f}"


def number(x):
    """Short and legible: 5,270 · 312 · 23.8 · 1.95 · 0.82 · 0.0423 · 4.29e9."""
    if x is None:
        return "–"
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 1e6:
        exponent = math.floor(math.log10(a))
        return f"{_fixed(x / 10 ** exponent, 2)}e{exponent}"
    if a >= 100:
        return f"{math.floor(x + 0.5):,}"
    if a >= 10:
        return _fixed(x, 1)
    if a >= 0.1:
        return _fixed(x, 2)
    return _fixed(x, 2 - math.floor(math.log10(a)))


def format_value(claim, measured):
    if not measured:
        return "?"
    if claim["count"]:
        kept = sum(u["value"][0] for u in measured), sum(u["value"][1] for u in measured)
        return f"{kept[0]} of {kept[1]} runs"
    values = [u["value"] for u in measured]
    low, high = min(values), max(values)
    return number(low) if number(low) == number(high) else f"{number(low)}–{number(high)}"


def _param_text(value):
    """A parameter's value as JavaScript's String() writes it (2.0 → 2), for the same text in both."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def unit_texts(claim, outcome, which=lambda unit: unit["holds"] is not None):
    """'interpreter: value' for each evaluation `which` picks; with the parameters that tell two apart."""
    units = outcome["units"]
    varying = sorted({k for u in units for k in u["params"]
                      if len({json.dumps(v["params"].get(k)) for v in units}) > 1})
    machines = len({u["machine"] for u in units}) > 1
    texts = []
    for unit in filter(which, units):
        label = (unit["machine"] + " " if machines else "") + " vs ".join(unit["interpreters"]) \
            + "".join(f" {k}={_param_text(unit['params'].get(k))}" for k in varying)
        value = f"{unit['value'][0]} of {unit['value'][1]} runs" if claim["count"] else number(unit["value"])
        texts.append(f"{label}: {value}")
    return texts


def sentence(claim, outcome):
    template = claim["sentence"] or "{claim} = {value}"
    return template.replace("{value}", outcome["value"]).replace("{claim}", claim["text"])


def verdict_text(claim, outcome):
    """'holds', 'does not hold on this machine: cpython-3.9.18: 0.82' or 'not measured here'."""
    text = VERDICTS[outcome["verdict"]]
    if outcome["verdict"] == "fails":
        text += ": " + ", ".join(unit_texts(claim, outcome, lambda unit: unit["holds"] is False))
    return text


def table(claims, results):
    """Rows for `python -m demos claims`: (claim, outcome)."""
    return [(claim, evaluate(claim, results)) for claim in claims]
