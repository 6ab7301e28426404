/* Claims after a run: the build rendered every claim with its verdict from the recorded results
 * (deck/claims.py). After each run this evaluates the claims again, from the JSON form the manifest
 * carries (grammar and steps: demos/claims.py, which this follows function by function; never eval).
 *   GilClaims.shown(figure, results, live) → re-evaluate: the claims on the figure's slide follow the
 *     results it shows; claims elsewhere that name the cell use every result known, the latest winning.
 *   GilClaims.evaluate(claim, results, focus) → {verdict, value, units} or null (for tests). */
(function () {
  "use strict";
  var CLAIMS = (window.GIL_CELLS || {}).claims || [];
  var runs = [];  // results shown after the page loaded (live, browser, picked), in order
  function known() {  // recorded first (results.js, loaded after the first slide), then runs
    return ((window.GIL_RESULTS || {}).results || []).concat(runs);
  }
  var liveResults = new Set();
  var VERDICTS = {holds: "holds", fails: "does not hold on this machine", unmeasured: "not measured here"};
  var BUILTIN = {time: ["median_cell_s", "cell_s"], wall: ["median_wall_s", "wall_s"], cpu: ["cpu_utilisation", null],
                 switches: ["voluntary_ctxt", "voluntary_ctxt"], overlap: ["overlap", "overlap"],
                 parallelism: ["parallelism", "parallelism"]};
  var SYMBOLS = {">=": "≥", "<=": "≤", "!=": "≠", "==": "=", "/": "÷", "*": "×"};

  /* ---- interpreter selectors (demos/selectors.py) ---- */

  function versionOf(interp) {
    return (String(interp.version).match(/\d+/g) || []).slice(0, 3).map(Number);
  }
  function cmp(a, b) {  // tuples, as Python compares them
    for (var i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length - b.length;
  }
  function matchesTerm(term, interp) {
    var kind = term[0];
    if (kind === "any") return true;
    if (kind === "gil") return !!interp.gil_enabled;
    if (kind === "no-gil") return !interp.gil_enabled;
    if (kind === "free-threaded") return !!interp.free_threaded || (interp.implementation === "CPython" && !interp.gil_enabled);
    var impl = term[1], op = term[2], version = term[3], free = term[4];
    if (impl !== "python" && String(interp.implementation).toLowerCase() !== impl) return false;
    if (free && interp.gil_enabled) return false;
    if (!version) return true;
    var have = versionOf(interp).slice(0, version.length), c = cmp(have, version);
    return {prefix: c === 0, ">=": c >= 0, "<=": c <= 0, ">": c > 0, "<": c < 0, "==": c === 0}[op];
  }
  function matches(selector, interp) {
    return selector.some(function (term) { return matchesTerm(term, interp); });
  }

  /* ---- evaluation ---- */

  function quantity(result, run, q) {
    if (BUILTIN[q]) {
      if (!run) return result.summary[BUILTIN[q][0]];
      if (q === "cpu") return run.wall_s ? (run.user_s + run.sys_s) / run.wall_s : null;
      return run[BUILTIN[q][1]];
    }
    if (result.params && q in result.params) return result.params[q];
    return ((run || result.summary).values || {})[q];
  }

  function value(node, chosen, runs) {
    if ("num" in node) return node.num;
    if ("ref" in node) {
      var v = quantity(chosen[node.ref], runs && runs[node.ref], node.q);
      return v === undefined ? null : v;
    }
    var a = value(node.a, chosen, runs), b = value(node.b, chosen, runs);
    if (a === null || b === null || (node.op === "/" && b === 0)) return null;
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[node.op];
  }

  function compare(values, ops) {
    var near = function (a, b) { return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)); };
    return ops.every(function (op, i) {
      var a = values[i], b = values[i + 1];
      return {">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b, "==": near(a, b), "!=": !near(a, b)}[op];
    });
  }

  function paramsKey(params) {
    var p = params || {};
    return Object.keys(p).sort().map(function (k) { return k + "=" + p[k]; }).join(",");
  }

  function latest(results) {
    var keep = new Map();
    results.forEach(function (r) {
      keep.set([r.machine.name, r.interpreter.name, r.cell, paramsKey(r.params)].join("|"), r);
    });
    return Array.from(keep.values());
  }

  function fits(result, ref, chosenParams) {
    var params = result.params || {};
    if (Object.keys(ref.params).some(function (k) { return params[k] !== ref.params[k]; })) return false;
    return Object.keys(chosenParams).every(function (k) {
      return !(k in params) || k in ref.params || params[k] === chosenParams[k];
    });
  }

  function product(lists) {
    return lists.reduce(function (acc, list) {
      var out = [];
      acc.forEach(function (prefix) { list.forEach(function (x) { out.push(prefix.concat([x])); }); });
      return out;
    }, [[]]);
  }

  function units(claim, results) {
    var refs = claim.refs, groups = [], out = [], seen = new Set();
    refs.forEach(function (ref) { var g = JSON.stringify(ref.on); if (groups.indexOf(g) < 0) groups.push(g); });
    var cells = refs.map(function (ref) { return ref.cell; });
    var machines = Array.from(new Set(results.map(function (r) { return r.machine.name; }))).sort();
    machines.forEach(function (machine) {
      var here = results.filter(function (r) { return r.machine.name === machine && cells.indexOf(r.cell) >= 0; });
      var interps = new Map();
      here.forEach(function (r) { if (!interps.has(r.interpreter.name)) interps.set(r.interpreter.name, r.interpreter); });
      var choices = groups.map(function (group) {
        var selector = JSON.parse(group) || claim.on;
        return Array.from(interps.keys()).filter(function (name) {
          return matches(selector, interps.get(name)) && here.some(function (r) {
            return r.interpreter.name === name && refs.some(function (ref) {
              return JSON.stringify(ref.on) === group && r.cell === ref.cell;
            });
          });
        });
      });
      product(choices).forEach(function (binding) {
        var pools = refs.map(function (ref) {
          var name = binding[groups.indexOf(JSON.stringify(ref.on))];
          return here.filter(function (r) { return r.cell === ref.cell && r.interpreter.name === name && fits(r, ref, {}); });
        });
        pools.forEach(function (pool, anchor) {
          pool.forEach(function (first) {
            var chosen = refs.map(function () { return null; }), params = Object.assign({}, first.params || {});
            chosen[anchor] = first;
            refs.forEach(function (ref, i) {
              if (i === anchor) return;
              var fit = pools[i].filter(function (r) { return fits(r, ref, params); });
              chosen[i] = fit.length ? fit[fit.length - 1] : null;
              if (chosen[i]) params = Object.assign({}, chosen[i].params || {}, params);
            });
            var key = chosen.map(function (r) { return r ? results.indexOf(r) : -1; }).join(",");
            if (!seen.has(key)) { seen.add(key); out.push({machine: machine, chosen: chosen}); }
          });
        });
      });
    });
    return out;
  }

  function shownOperand(claim) {
    var i = claim.operands.findIndex(function (node) { return !("num" in node); });
    return i < 0 ? 0 : i;
  }

  function evaluate(claim, results, focus) {
    results = latest(results);
    var measuredUnits = [], all = [];
    units(claim, results).forEach(function (u) {
      var chosen = u.chosen;
      if (focus && !chosen.some(function (r) { return focus.indexOf(r) >= 0; })) return;
      var params = {};
      chosen.forEach(function (r) { if (r) Object.assign(params, r.params || {}); });
      var unit = {machine: u.machine, value: null, holds: null, params: params,
                  interpreters: chosen.filter(Boolean).map(function (r) { return r.interpreter.name; })
                    .filter(function (n, i, a) { return a.indexOf(n) === i; }),
                  live: chosen.some(function (r) { return liveResults.has(r); })};
      if (chosen.every(Boolean)) {
        if (claim.count) {
          var checked = chosen[0].runs.filter(function (run) { return run.status === "ok"; }).map(function (run) {
            var runs = chosen.map(function () { return run; });
            return claim.operands.map(function (n) { return value(n, chosen, runs); });
          }).filter(function (values) { return values.indexOf(null) < 0; })
            .map(function (values) { return compare(values, claim.ops); });
          if (checked.length) {
            var held = checked.filter(Boolean).length;
            unit.value = [held, checked.length];
            unit.holds = held * claim.count[1] >= claim.count[0] * checked.length;
          }
        } else {
          var values = claim.operands.map(function (n) { return value(n, chosen, null); });
          if (values.indexOf(null) < 0) {
            unit.value = values[shownOperand(claim)];
            unit.holds = compare(values, claim.ops);
          }
        }
      }
      all.push(unit);
      if (unit.holds !== null) measuredUnits.push(unit);
    });
    if (focus && !all.length) return null;
    var verdict = !measuredUnits.length ? "unmeasured" :
      measuredUnits.every(function (u) { return u.holds; }) ? "holds" : "fails";
    return {verdict: verdict, units: measuredUnits.length ? measuredUnits : all, value: formatValue(claim, measuredUnits)};
  }

  /* ---- text, as demos/claims.py writes it ---- */

  function fixed(x, places) {
    return (Math.floor(x * Math.pow(10, places) + 0.5) / Math.pow(10, places)).toFixed(places);
  }
  function number(x) {
    if (x === null || x === undefined) return "–";
    if (x === 0) return "0";
    var a = Math.abs(x);
    if (a >= 1e6) {
      var exponent = Math.floor(Math.log10(a));
      return fixed(x / Math.pow(10, exponent), 2) + "e" + exponent;
    }
    if (a >= 100) return String(Math.floor(x + 0.5)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    if (a >= 10) return fixed(x, 1);
    if (a >= 0.1) return fixed(x, 2);
    return fixed(x, 2 - Math.floor(Math.log10(a)));
  }
  function formatValue(claim, measured) {
    if (!measured.length) return "?";
    if (claim.count) {
      var held = 0, of = 0;
      measured.forEach(function (u) { held += u.value[0]; of += u.value[1]; });
      return held + " of " + of + " runs";
    }
    var values = measured.map(function (u) { return u.value; });
    var low = number(Math.min.apply(null, values)), high = number(Math.max.apply(null, values));
    return low === high ? low : low + "–" + high;
  }
  function unitTexts(claim, outcome, which) {
    var units = outcome.units, keys = {};
    units.forEach(function (u) { Object.keys(u.params).forEach(function (k) { keys[k] = true; }); });
    var varying = Object.keys(keys).sort().filter(function (k) {
      return new Set(units.map(function (v) { return JSON.stringify(v.params[k]); })).size > 1;
    });
    var machines = new Set(units.map(function (u) { return u.machine; })).size > 1;
    return units.filter(which || function (u) { return u.holds !== null; }).map(function (unit) {
      var label = (machines ? unit.machine + " " : "") + unit.interpreters.join(" vs ") +
        varying.map(function (k) { return " " + k + "=" + String(unit.params[k]); }).join("");
      return label + ": " + (claim.count ? unit.value[0] + " of " + unit.value[1] + " runs" : number(unit.value));
    });
  }
  function sentence(claim, outcome) {
    return (claim.sentence || "{claim} = {value}").split("{value}").join(outcome.value).split("{claim}").join(claim.text);
  }
  function verdictText(claim, outcome) {
    var text = VERDICTS[outcome.verdict];
    if (outcome.verdict === "fails") {
      text += ": " + unitTexts(claim, outcome, function (u) { return u.holds === false; }).join(", ");
    }
    return text;
  }
  function pretty(text) {
    return text.replace(/(\s)(>=|<=|!=|==|\/|\*)(?=\s)/g, function (_, space, op) { return space + SYMBOLS[op]; });
  }

  /* The same elements deck/claims.py writes, with where each number came from. */
  function render(element, claim, outcome) {
    var machines = Array.from(new Set(outcome.units.map(function (u) { return u.machine; }))).sort();
    var live = outcome.units.some(function (u) { return u.live; });
    element.setAttribute("data-verdict", outcome.verdict);
    element.querySelector(".claim-sentence").textContent = sentence(claim, outcome);
    element.querySelector(".claim-verdict").textContent = verdictText(claim, outcome);
    var detail = element.querySelector(".claim-detail"), code = document.createElement("code");
    code.textContent = pretty(claim.text);
    detail.textContent = "";
    detail.appendChild(code);
    var parts = unitTexts(claim, outcome);
    if (machines.length) parts.push((live ? "live run on " : "recorded on ") + machines.join(", "));
    detail.appendChild(document.createTextNode(parts.map(function (p) { return " · " + p; }).join("")));
  }

  function names(claim, cell) {
    return claim.refs.some(function (ref) { return ref.cell === cell; });
  }

  function shown(figure, results, isLive) {
    results.forEach(function (r) {
      if (runs.indexOf(r) < 0) runs.push(r);
      if (isLive) liveResults.add(r);
    });
    var slide = figure.closest("section");
    document.querySelectorAll(".claim[data-claim]").forEach(function (element) {
      var claim = CLAIMS[Number(element.getAttribute("data-claim"))];
      if (!claim || !results.some(function (r) { return names(claim, r.cell); })) return;
      var outcome = element.closest("section") === slide ? evaluate(claim, known(), results) : evaluate(claim, known());
      if (outcome) render(element, claim, outcome);
    });
  }

  window.GilClaims = {shown: shown, evaluate: evaluate, number: number, verdictText: verdictText, sentence: sentence,
                      unitTexts: unitTexts};
})();
