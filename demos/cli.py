"""`python -m demos list | run | record | interpreters | claims`: the runner from the shell."""
import argparse
import json
import sys

from deck.errors import DeckError
from demos import claims, interpreters, manifest, paths, results
from demos.record import record
from demos.request import GIL_SWITCH, REPEATS, START_METHODS, check_request
from demos.runner import run_cell


class UsageError(Exception):
    """A mistake on the command line: one line on stderr, exit 2."""


def cells_by_id(deck):
    return manifest.cells_by_id(manifest.load(deck))


def find_cell(deck, cell_id):
    cells = cells_by_id(deck)
    if cell_id not in cells or cells[cell_id]["hidden"]:
        runnable = ", ".join(c for c in cells if not cells[c]["hidden"])
        raise UsageError(f"unknown cell {cell_id!r} (cells: {runnable})")
    return cells[cell_id]


def parse_params(pairs):
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--param wants NAME=VALUE, got {pair!r}")
        params[name] = value
    return params


def cmd_list(args):
    for cell in cells_by_id(args.deck).values():
        if cell["hidden"]:
            continue
        params = " ".join(f"{n}={d['default']}" for n, d in cell["params"].items())
        where = ("browser" if cell["browser"] == "only" else "native" if cell["native"]
                 else ",".join(cell["interpreters"]) or cell["language"])
        print(f"{cell['id']:28} {cell['language']:6} {where:14} {params}")


def cmd_interpreters(args):
    for interp in interpreters.find():
        switch = (f"switch interval {interp['switch_interval'] * 1000:g} ms" if interp["switch_interval"]
                  else f"check interval {interp['check_interval']} ticks" if interp["check_interval"] else "")
        mark = " (default)" if interp["default"] else ""
        print(f"{interp['name']:18} {interpreters.gil_label(interp):13} {switch:26} {interp['path']}{mark}")


def progress_line(update):
    print(f"\r  run {update['run']}/{update['of']}", end="", file=sys.stderr, flush=True)


def cmd_run(args):
    cell = find_cell(args.deck, args.cell)
    try:
        request = check_request(cell, python=args.python, repeat=args.repeat, params=parse_params(args.param),
                                gil=args.gil, start_method=args.start_method, paths=True)
        result = run_cell(request, progress=None if args.json else progress_line)
    except (ValueError, LookupError, RuntimeError) as error:
        raise UsageError(str(error)) from None
    if args.json:
        json.dump(result, sys.stdout)
        print()
        return
    print(file=sys.stderr)
    s, interp = result["summary"], result["interpreter"]
    print(f"{cell['id']} on {interp['name']} ({request.interpreter['path']}), {len(result['runs'])} run(s)")
    for run in result["runs"]:
        print(f"  {run['status']:8} cell {run['cell_s'] or 0:.3f} s  wall {run['wall_s']:.3f} s  "
              f"ctx switches {run['voluntary_ctxt']}/{run['involuntary_ctxt']}")
    if s["median_cell_s"] is not None:
        print(f"  cell time median {s['median_cell_s']:.3f} s (min {s['min_cell_s']:.3f}, max {s['max_cell_s']:.3f}); "
              f"CPU utilisation {s['cpu_utilisation']:.2f}")
    if s["parallelism"] is not None:
        print(f"  threads on CPU at once: {s['parallelism']:.2f} on average; two at once {s['overlap']:.0%} of the time")
    last = result["runs"][-1]
    for stream in ("stdout", "stderr"):
        if last[stream].strip():
            print(f"  {stream}: " + last[stream].strip().replace("\n", "\n    "))


def cmd_record(args):
    deck = manifest.load(args.deck)
    path = record(deck["cells"], out=args.out)
    print(f"wrote {path}")
    print_claims(deck["claims"], read_results([path]))


def read_results(paths):
    """Every result of the given results files, each with its machine; a bad file is a UsageError."""
    found = []
    for path in paths:
        try:
            found += results.for_browser([results.read(path)])["results"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise UsageError(f"results file {path}: {error!r}") from None
    return found


def print_claims(deck_claim_list, results):
    """The claims table; returns how many measured claims do not hold."""
    rows = claims.table(deck_claim_list, results)
    print(f"{'line':>5}  {'verdict':29}  {'value':14}  claim")
    for claim, outcome in rows:
        verdict = claims.VERDICTS[outcome["verdict"]]
        print(f"{claim['line']:>5}  {verdict:29}  {outcome['value']:14}  {claim['text']}")
        if outcome["verdict"] == "fails":  # which interpreters, with which numbers
            print(f"{'':>5}  {'':29}  {'':14}    {claims.verdict_text(claim, outcome)}")
    counts = {v: sum(o["verdict"] == v for _, o in rows) for v in claims.VERDICTS}
    print(f"{len(rows)} claims: {counts['holds']} hold, {counts['fails']} do not hold, "
          f"{counts['unmeasured']} not measured here")
    return counts["fails"]


def cmd_claims(args):
    deck_claim_list = manifest.load(args.deck)["claims"]
    recorded = read_results(args.results or results.files_in(paths.RESULTS))
    if args.json:
        rows = claims.table(deck_claim_list, recorded)
        json.dump([{"line": claim["line"], "claim": claim["text"], "on": claim["on_text"],
                    "sentence": claims.sentence(claim, outcome), "verdict": outcome["verdict"],
                    "value": outcome["value"], "units": outcome["units"]} for claim, outcome in rows], sys.stdout)
        print()
        return 1 if any(outcome["verdict"] == "fails" for _, outcome in rows) else 0
    return 1 if print_claims(deck_claim_list, recorded) else 0


def parser():
    p = argparse.ArgumentParser(prog="python -m demos", description=__doc__)
    p.add_argument("--deck", default=paths.DECK, help="the deck the cells come from (default: slides/gil.md)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the deck's demo cells").set_defaults(func=cmd_list)
    sub.add_parser("interpreters", help="Pythons found on this host").set_defaults(func=cmd_interpreters)
    run = sub.add_parser("run", help="run one cell and measure it")
    run.add_argument("cell")
    run.add_argument("--python", help="interpreter name, version (2.7) or path (see `interpreters`); default: this venv's")
    run.add_argument("--repeat", type=int, help=f"runs to take, {REPEATS[0]} to {REPEATS[-1]} (default: the cell's repeat=)")
    run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    run.add_argument("--json", action="store_true", help="print the result as one JSON object")
    run.add_argument("--gil", choices=list(GIL_SWITCH), help="free-threaded CPython only: PYTHON_GIL=1 or 0 for the run")
    run.add_argument("--start-method", choices=START_METHODS,
                     help="multiprocessing start method for the cell's processes (default: the interpreter's)")
    run.set_defaults(func=cmd_run)
    rec = sub.add_parser("record", help="run every demo here and write results/<machine>.json")
    rec.add_argument("--out", help="results file (default: results/<machine>.json)")
    rec.set_defaults(func=cmd_record)
    check = sub.add_parser("claims", help="every claim of the deck with its value and verdict "
                                          "(exit 1 when a measured claim does not hold)")
    check.add_argument("--results", action="append", metavar="FILE", help="results file(s) (default: results/*.json)")
    check.add_argument("--json", action="store_true", help="print the claims as one JSON list")
    check.set_defaults(func=cmd_claims)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except (UsageError, DeckError, OSError) as error:
        print(f"python -m demos: {error}", file=sys.stderr)
        return 2
