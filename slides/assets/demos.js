/* The demos plugin: a Run control under every demo cell, its numbers, a chart of related cells and the
 * per-thread timeline. With the live server (`python -m server`) runs happen on this machine; without
 * one (static site, file://) the slides show recorded results and single-threaded cells run in the
 * browser through Pyodide (assets/pyodide-runner.js). Results reach every open window of the deck
 * (speaker view included) through a BroadcastChannel. */
(function () {
  "use strict";
  var CELLS = {};
  ((window.GIL_CELLS || {}).cells || []).forEach(function (cell) { CELLS[cell.id] = cell; });
  var recorded = {};          // cell → promise of its recorded {results, compare}, loaded near its slide: see record()
  var live = null;            // {runsOn, compareOn} when a server answers
  var known = {};             // "cell|interpreter" → latest result, for the group charts
  var following = {};         // job id → true: each window follows a job once
  var reveal = null;          // the deck, once the plugin is started
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("gil-demos") : null;

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function secs(s) {
    if (s === null || s === undefined) return "–";
    return s < 1 ? (s * 1000).toFixed(s < 0.01 ? 2 : 0) + " ms" : s.toFixed(2) + " s";
  }

  /* Why the static site cannot run a cell: what the deck says it needs (`needs=`). */
  var NEEDS = {
    cpp: "it is C++: it needs a compiler on the live server",
    native: "it uses the compiled native extension, which only the live server has",
    processes: "it starts processes, which the browser cannot",
    threads: "it needs real threads, which Pyodide does not have"
  };
  function whyServer(cell) {
    var reasons = cell.needs.map(function (need) { return NEEDS[need]; });
    return reasons.length ? reasons.join("; ") : "it needs the live server (python -m server)";
  }

  /* ---- showing a result ---- */

  /* Charts compare like with like: the same interpreter and the same parameter values. */
  function knownKey(cell, interpreter, params) {
    var p = params || {};
    return cell + "|" + interpreter + "|" + Object.keys(p).sort().map(function (k) { return k + "=" + p[k]; }).join(",");
  }
  function remember(result) {
    known[knownKey(result.cell, result.interpreter.name, result.params)] = result;
  }

  function chart(cellId, interpreter, params) {
    var group = CELLS[cellId] && CELLS[cellId].group;
    if (!group) return null;
    var bars = Object.keys(CELLS).filter(function (id) {
      return CELLS[id].group === group && !CELLS[id].hidden;
    }).map(function (id) {
      var result = known[knownKey(id, interpreter, params)];
      return {id: id, value: result && result.summary.median_cell_s};
    }).filter(function (bar) { return bar.value; });
    if (bars.length < 2) return null;
    var most = Math.max.apply(null, bars.map(function (b) { return b.value; }));
    var svgNS = "http://www.w3.org/2000/svg", rowH = 16, svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("class", "group-chart");
    svg.setAttribute("viewBox", "0 0 420 " + bars.length * (rowH + 4));
    bars.forEach(function (bar, i) {
      var y = i * (rowH + 4), w = 200 * bar.value / most;
      var parts = [["text", {x: 170, y: y + rowH - 4, "text-anchor": "end", "class": bar.id === cellId ? "this" : ""}, bar.id],
                   ["rect", {x: 176, y: y, width: Math.max(1, w), height: rowH, "class": bar.id === cellId ? "this" : ""}],
                   ["text", {x: 180 + w, y: y + rowH - 4}, secs(bar.value)]];
      parts.forEach(function (p) {
        var node = document.createElementNS(svgNS, p[0]);
        Object.keys(p[1]).forEach(function (k) { node.setAttribute(k, p[1][k]); });
        if (p[2]) node.textContent = p[2];
        svg.appendChild(node);
      });
    });
    return h("div", {"class": "demo-chart", title: "median cell time on " + interpreter + ", same parameters"}, [svg]);
  }

  /* The headline (cell time, CPU / wall) in body-size type; the rest small beside it. */
  function statsLine(result, label) {
    var s = result.summary, m = result.machine || {};
    var head = "cell " + secs(s.median_cell_s), parts = [];
    if (s.cpu_utilisation !== undefined && s.cpu_utilisation !== null) head += " · CPU " + s.cpu_utilisation.toFixed(2) + "×";
    if (result.runs.length > 1) parts.push("min " + secs(s.min_cell_s) + ", max " + secs(s.max_cell_s) + ", " + result.runs.length + " runs");
    if (s.median_wall_s) parts.push("wall " + secs(s.median_wall_s));
    if (s.voluntary_ctxt !== undefined && s.voluntary_ctxt !== null) parts.push(Math.round(s.voluntary_ctxt) + " context switches");
    var values = s.values || {};  // what the cell emitted: the numbers its claims speak of
    Object.keys(values).forEach(function (name) { parts.push(name + " " + (window.GilClaims ? window.GilClaims.number(values[name]) : values[name])); });
    var where = result.interpreter.name + (m.cpu_model ? " · " + m.cpu_model + " (" + m.cores + " cores)" : "");
    return [h("div", {"class": "demo-stats"}, [h("span", {"class": "demo-headline", text: head}),
                                               h("span", {"class": "demo-details", text: parts.join(" · ")})]),
            h("div", {"class": "demo-where", text: where + " · " + label})];
  }

  function followClaims(figure, results) {  // claims.js: the slide's verdicts follow the runs it shows
    if (window.GilClaims) window.GilClaims.shown(figure, results, true);
  }

  function show(figure, result, label) {
    remember(result);
    figure.gil.shown = true;
    var out = figure.gil.out;  // recorded results keep the median run's timeline only
    var run = result.runs.filter(function (r) { return r.timeline; }).pop() || result.runs[result.runs.length - 1];
    out.textContent = "";
    out.setAttribute("data-interpreter", result.interpreter.name);
    statsLine(result, label).forEach(function (node) { out.appendChild(node); });
    var bad = result.runs.filter(function (r) { return r.status !== "ok"; });
    if (bad.length) out.appendChild(h("div", {"class": "demo-error", text: bad[0].status + (bad[0].stderr ? ": " + bad[0].stderr.trim().split("\n").pop() : "")}));
    var row = h("div", {"class": "demo-visuals"});
    if (run.timeline && run.timeline.threads && run.timeline.threads.length && window.GilTimeline) {
      row.appendChild(h("div", {"class": "demo-timeline"}, [window.GilTimeline.render(run.timeline)]));
    }
    var bars = chart(result.cell, result.interpreter.name, result.params);
    if (bars) row.appendChild(bars);
    if (row.childNodes.length) out.appendChild(row);
    if (run.stdout && run.stdout.trim()) out.appendChild(output(figure.gil.cell, run.stdout.trim()));
    figure.gil.status.textContent = "";
    relayout();
  }

  /* reveal.js centres a slide by the height it had when shown: again, now that a result changed it. */
  function relayout() {
    if (reveal) reveal.layout();
  }

  /* A cell's printed output: as text, or (output=latex) as the math it prints, rendered by the local KaTeX. */
  function output(cell, text) {
    if (cell.output !== "latex" || !window.katex) return h("pre", {"class": "demo-stdout", text: text});
    var node = h("div", {"class": "demo-latex", "data-latex": text});
    window.katex.render(text, node, {displayMode: true, throwOnError: false});
    return node;
  }

  function showError(figure, message) {
    figure.gil.status.textContent = "";
    figure.gil.out.appendChild(h("div", {"class": "demo-error", role: "alert", text: message}));
  }

  /* The run whose timeline stands for a result: the median one (by cell time), as a recording keeps it. */
  function timelineRun(result) {
    var runs = result.runs.filter(function (r) { return r.timeline && r.timeline.threads.length; });
    return runs.sort(function (a, b) { return (a.cell_s || 0) - (b.cell_s || 0); })[Math.floor(runs.length / 2)];
  }

  function gilLabel(interp) {  // as `python -m demos interpreters` labels it
    if (interp.free_threaded) return "free-threaded" + (interp.gil_enabled ? " (GIL on)" : "");
    return interp.gil_enabled ? "yes" : "no";
  }

  /* Interpreters in a headline: CPython by its version (2.7, 3.13), the others by name (PyPy, Jython);
   * their full names where that would make two alike. */
  function shortNames(interps) {
    var names = interps.map(function (i) {
      var version = i.version.split(".").slice(0, 2).join(".") + (i.free_threaded ? "t" : "");
      return i.implementation === "CPython" ? version : i.implementation;
    });
    var distinct = names.filter(function (name, k) { return names.indexOf(name) === k; });
    return distinct.length === names.length ? names : interps.map(function (i) { return i.name; });
  }

  /* Timelines of one cell on several interpreters, one above the other: each from its own cell's start
   * (interpreter and JVM start-up left out) on the scale of the longest, at one type size (≥ 14 px on the
   * canvas), the time axis under the last. */
  var PAIR_LANES = 400;  // the lanes' width in canvas px: beside the table, within the 1100 px canvas
  function stackedTimelines(results, runs) {
    var region = runs.map(function (run) {
      var t = run.timeline, timed = t.cell_start_s !== null && t.cell_start_s !== undefined && t.cell_end_s;
      return timed ? {from: t.cell_start_s, span: t.cell_end_s - t.cell_start_s} : {from: 0, span: window.GilTimeline.span(t)};
    });
    var longest = Math.max.apply(null, region.map(function (r) { return r.span; }));
    var stack = h("div", {"class": "demo-pair-timelines"});
    results.forEach(function (r, i) {
      var timeline = window.GilTimeline.render(runs[i].timeline, {compact: true, from: region[i].from, span: longest,
                                                                  width: PAIR_LANES, axis: i === results.length - 1});
      var gil = gilLabel(r.interpreter);
      stack.appendChild(h("div", {"class": "demo-pair-timeline", "data-interpreter": r.interpreter.name}, [
        h("div", {"class": "demo-pair-name", text: [r.interpreter.name, {yes: "GIL", no: "no GIL"}[gil] || gil,
                                                     secs(r.summary.median_cell_s)].join(" · ")}), timeline]));
    });
    return stack;
  }

  /* Several interpreters on one cell: a table of their numbers (with the cell's time over its baseline's
   * on the same interpreter, when it has one); for two to four (a side-by-side option of the deck, e.g. an
   * old GIL against a new one, or with and without a GIL) their timelines too (stackedTimelines). */
  function showComparison(figure, results, recorded) {
    var out = figure.gil.out;
    figure.gil.shown = true;
    var baseline = figure.gil.cell.baseline;
    var head = ["interpreter", "GIL", "cell time"].concat(baseline ? ["÷ " + baseline] : [], ["CPU", "context switches"]);
    var table = h("table", {"class": "demo-compare"}, [h("tr", {}, head.map(function (t) { return h("th", {text: t}); }))]);
    results.forEach(function (r) {
      var base = baseline && known[knownKey(baseline, r.interpreter.name, r.params)];
      var ratio = base && base.summary.median_cell_s && r.summary.median_cell_s ?
        (r.summary.median_cell_s / base.summary.median_cell_s).toFixed(2) + "×" : "–";
      var row = h("tr", {title: "show this interpreter's details"}, [r.interpreter.name, gilLabel(r.interpreter),
        secs(r.summary.median_cell_s)].concat(baseline ? [ratio] : [], [(r.summary.cpu_utilisation || 0).toFixed(2) + "×",
        String(Math.round(r.summary.voluntary_ctxt || 0))]).map(function (t) { return h("td", {text: t}); }));
      row.addEventListener("click", function () {  // details of one interpreter, the table stays
        show(figure, r, (recorded ? "recorded on " + r.machine.name + ", " : "live, ") + r.recorded_at);
        out.insertBefore(table, out.firstChild);
      });
      table.appendChild(row);
    });
    var runs = results.length >= 2 && results.length <= 4 && window.GilTimeline ? results.map(timelineRun) : [];
    if (runs.length && runs.every(Boolean)) {
      var names = shortNames(results.map(function (r) { return r.interpreter; }));
      out.textContent = "";
      out.appendChild(h("div", {"class": "demo-stats"}, [h("span", {"class": "demo-headline", text: results.map(function (r, i) {
        return names[i] + " " + secs(r.summary.median_cell_s);
      }).join(results.length > 2 ? " · " : " vs ")})]));  // the headline, in body-size type like a single result's
      out.appendChild(h("div", {"class": "demo-pair"}, [table, stackedTimelines(results, runs)]));
      return relayout();
    }
    out.insertBefore(table, out.firstChild);
    relayout();
  }

  /* ---- running ---- */

  function params(figure) {
    var values = {};
    figure.gil.inputs.forEach(function (input) {
      values[input.name] = input.type === "number" ? Number(input.value) : input.value;
    });
    return values;
  }

  function follow(figure, eventsUrl, job, quiet) {
    following[job] = true;
    return new Promise(function (resolve, reject) {
      var events = new EventSource(eventsUrl), status = figure.gil.status;
      function data(e) { return JSON.parse(e.data); }
      events.addEventListener("queued", function (e) { status.textContent = "queued (position " + data(e).position + ")"; });
      events.addEventListener("started", function () { status.textContent = "running on this machine…"; });
      events.addEventListener("progress", function (e) { var d = data(e); status.textContent = "run " + d.run + " of " + d.of + "…"; });
      events.addEventListener("done", function (e) {
        events.close();
        var result = data(e).result;
        if (quiet) remember(result);  // another cell's run (a baseline): known, not shown
        else {
          show(figure, result, "live, " + result.recorded_at);
          followClaims(figure, [result]);
        }
        resolve(result);
      });
      events.addEventListener("error", function (e) {
        events.close();
        reject(new Error(e.data ? data(e).error : "lost the connection to the server"));
      });
    });
  }

  /* A run of the figure's cell, or (cellId) of another cell the figure needs, e.g. the baseline of a
   * side-by-side run, which is not shown but remembered (its time is the table's denominator). */
  function post(figure, python, cellId) {
    var body = {params: params(figure)}, quiet = cellId && cellId !== figure.gil.cell.id;
    if (python) body.python = python;
    var headers = {"Content-Type": "application/json"};
    // no token here: `?token=` became an HttpOnly cookie, which same-origin requests carry by themselves
    return fetch("api/cells/" + (cellId || figure.gil.cell.id) + "/runs", {method: "POST", headers: headers, body: JSON.stringify(body)})
      .then(function (answer) {
        return answer.json().then(function (json) {
          if (!answer.ok) throw new Error(json.error || "HTTP " + answer.status);
          return json;
        });
      })
      .then(function (job) {
        if (quiet) return follow(figure, job.events_url, job.job, true);
        if (job.cached) show(figure, job.cached.result, "previous run, recorded at " + job.cached.recorded_at + " — a fresh run is on its way");
        if (channel) channel.postMessage({type: "job", cell: figure.gil.cell.id, job: job.job, events: job.events_url});
        return follow(figure, job.events_url, job.job);
      });
  }

  function runLive(figure) {
    var choice = figure.gil.picker.value, names = figure.gil.groups[choice], results = [];
    if (!names) return post(figure, choice);
    var failures = [];  // one interpreter failing leaves the others' numbers on the slide
    return names.reduce(function (chain, name) {
      return chain.then(function () {
        var baseline = figure.gil.cell.baseline;  // its time on the same interpreter: threads ÷ sequential
        return (baseline ? post(figure, name, baseline) : Promise.resolve())
          .then(function () { return post(figure, name); })
          .then(function (r) { results.push(r); }, function (error) { failures.push(name + ": " + error.message); });
      });
    }, Promise.resolve()).then(function () {
      if (results.length) showComparison(figure, results);
      if (results.length) followClaims(figure, results);
      if (failures.length) throw new Error(failures.join("; "));
    });
  }

  function runInBrowser(figure) {
    figure.gil.status.textContent = "starting Python in your browser…";
    return window.GilPyodide.run(figure.gil.cell, params(figure), function (message) {
      figure.gil.status.textContent = message;
    }).then(function (result) {
      var label = "in your browser (Pyodide/WebAssembly)";
      show(figure, result, label);
      followClaims(figure, [result]);
      if (channel) channel.postMessage({type: "result", cell: figure.gil.cell.id, result: result, label: label});
    });
  }

  function start(figure) {
    var gil = figure.gil;
    if (gil.busy) return;
    gil.busy = true;
    gil.ran = true;
    gil.run.disabled = true;
    gil.out.querySelectorAll(".demo-error").forEach(function (node) { node.remove(); });
    var running = live && gil.cell.browser !== "only" ? runLive(figure) : runInBrowser(figure);
    running.catch(function (error) { showError(figure, "Run failed: " + error.message); })
      .then(function () { gil.busy = false; gil.run.disabled = false; });
  }

  /* ---- the controls ---- */

  function option(value, text) { return h("option", {value: value, text: text}); }

  function setup(figure) {
    var cell = CELLS[figure.getAttribute("data-cell")];
    if (!cell) return;
    var run = h("button", {type: "button", "class": "demo-run", title: "Run this cell (R)", text: "▶ Run"});
    var picker = h("select", {"class": "demo-python", title: "interpreter"});
    var inputs = Object.keys(cell.params).map(function (name) {
      var p = cell.params[name];
      if (p.type === "choice") {
        var select = h("select", {name: name}, p.choices.map(function (c) { return option(c, c); }));
        select.value = p.default;
        return select;
      }
      return h("input", {type: "number", name: name, value: p.default, min: p.min, max: p.max,
                         step: p.type === "int" ? 1 : "any", title: name + " (" + p.min + " to " + p.max + ")"});
    });
    var status = h("span", {"class": "demo-status", "aria-live": "polite"});
    var controls = h("div", {"class": "demo-controls"}, [run, picker].concat(inputs.map(function (input) {
      return h("label", {}, [document.createTextNode(input.name + " "), input]);
    })).concat([status]));
    var out = h("div", {"class": "demo-result"});
    figure.appendChild(controls);
    figure.appendChild(out);
    figure.gil = {cell: cell, run: run, picker: picker, inputs: inputs, status: status, out: out, groups: {}};
    run.addEventListener("click", function () { start(figure); });

    if (cell.browser === "only") {  // the browser is where it runs, live server or not
      picker.hidden = true;
      run.textContent = "▶ Run in your browser";
    } else if (live) {
      var names = live.runsOn[cell.id] || [];
      names.forEach(function (name) { picker.appendChild(option(name, name)); });
      // the deck's side-by-side options (compare-NAME=), resolved by the server among its interpreters
      var compare = live.compareOn[cell.id] || {};
      Object.keys(compare).forEach(function (name) {
        figure.gil.groups[name] = compare[name];
        picker.appendChild(option(name, compare[name].join(" vs ") + ", side by side"));
      });
      if (names.length > 1) {
        figure.gil.groups.all = names;
        picker.appendChild(option("all", "all, side by side"));
      }
      if (compare[figure.getAttribute("data-compare")]) picker.value = figure.getAttribute("data-compare");
    } else if (!(cell.browser && window.GilPyodide)) {
      run.disabled = true;
      controls.querySelectorAll("label").forEach(function (label) { label.hidden = true; });  // nothing to run
      run.title = "Needs the live server: " + whyServer(cell);
      figure.appendChild(h("div", {"class": "demo-note", text: "Live runs need the server: " + whyServer(cell) +
        ". Showing the recorded run."}));
    } else {
      run.textContent = "▶ Run in your browser";
    }
  }

  /* A cell's recorded results, once loaded: the static site's picker (each recorded run, and the deck's
   * side-by-side options machine by machine, as the build picked the interpreters), and the first of them
   * unless the slide already shows a run; a figure with a side-by-side option of its own (data-compare)
   * shows that option as recorded on the machine where it found the most interpreters. */
  function showRecorded(figure, found) {
    var cell = figure.gil.cell, picker = figure.gil.picker, out = figure.gil.out;
    var results = found.results, pairs = {};
    figure.setAttribute("data-recorded", results.length);
    (found.compare || []).forEach(function (c) {
      pairs[c.name + "@" + c.machine] = c.interpreters.map(function (name) {
        return results.filter(function (r) { return r.machine.name === c.machine && r.interpreter.name === name; })[0];
      });
    });
    if (!live && cell.browser !== "only") {
      results.forEach(function (r, i) { picker.appendChild(option(i, r.interpreter.name + " · " + r.machine.name)); });
      Object.keys(pairs).forEach(function (value) {
        picker.appendChild(option(value, "recorded: " + pairs[value].map(function (r) { return r.interpreter.name; })
          .join(" vs ") + ", side by side"));
      });
      picker.addEventListener("change", function () {
        if (pairs[picker.value]) return showComparison(figure, pairs[picker.value], true);
        var r = results[Number(picker.value)];
        show(figure, r, "recorded on " + r.machine.name + ", " + r.recorded_at);
      });
      if (!picker.options.length) picker.hidden = true;
    }
    if (figure.gil.shown) return;
    var wanted = Object.keys(pairs).filter(function (value) {
      return value.split("@")[0] === figure.getAttribute("data-compare") && pairs[value].every(Boolean);
    }).sort(function (a, b) { return pairs[b].length - pairs[a].length; })[0];
    if (wanted) {
      if (!live) picker.value = wanted;  // live, the picker keeps the option as this host's interpreters give it
      return showComparison(figure, pairs[wanted], true);
    }
    if (results.length) show(figure, results[0], "recorded on " + results[0].machine.name + ", " + results[0].recorded_at);
    else if (!live && cell.browser !== "only") out.appendChild(h("div", {"class": "demo-note", text: "No recorded run yet (make record)."}));
  }

  function detectServer() {
    if (!window.GIL_LIVE) return Promise.resolve(null);  // live.js: true only from the live server
    return fetch("api/cells").then(function (answer) {
      if (!answer.ok) return null;
      return answer.json().then(function (json) {
        var server = {runsOn: {}, compareOn: {}};
        json.cells.forEach(function (cell) {
          server.runsOn[cell.id] = cell.runs_on;
          server.compareOn[cell.id] = cell.compare_on;
        });
        return server;
      });
    }).catch(function () { return null; });
  }

  /* Recorded results come one file per cell (results/<id>.js, a script: works from file:// too), loaded when
   * its slide is shown or next, with the cells its chart compares it with: never on the first slide's path,
   * and ten machines' results cost a slide only its own cells'. A PDF export (print-pdf) loads them all. */
  function record(id) {
    if (!recorded[id]) {
      recorded[id] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = "results/" + id + ".js";
        script.onload = function () {  // it adds the cell's results to window.GIL_RESULTS, which claims.js reads too
          resolve({results: GIL_RESULTS.results.filter(function (r) { return r.cell === id; }),
                   compare: GIL_RESULTS.compare[id]});
        };
        script.onerror = function () { reject(new Error("could not load the recorded results (" + script.src + ")")); };
        document.head.appendChild(script);
      }).then(function (found) {
        found.results.forEach(function (result) {
          var key = knownKey(result.cell, result.interpreter.name, result.params);
          if (!known[key]) known[key] = result;
        });
        return found;
      });
    }
    return recorded[id];
  }

  function showRecordedIn(slide) {
    var figures = Array.prototype.filter.call(slide ? slide.querySelectorAll("figure.demo-cell") : [], function (f) {
      return f.gil && !f.gil.asked;
    });
    var ids = {};  // the slide's cells, the cells their charts compare them with, and those its claims name
    var claims = (window.GIL_CELLS || {}).claims || [];
    Array.prototype.forEach.call(slide && figures.length ? slide.querySelectorAll(".claim[data-claim]") : [], function (element) {
      var claim = claims[Number(element.getAttribute("data-claim"))];
      (claim ? claim.refs : []).forEach(function (ref) { ids[ref.cell] = true; });
    });
    figures.forEach(function (figure) {
      var cell = figure.gil.cell;
      figure.gil.asked = true;  // once per figure
      Object.keys(CELLS).forEach(function (id) {
        if (id === cell.id || (cell.group && CELLS[id].group === cell.group && !CELLS[id].hidden)) ids[id] = true;
      });
    });
    return Promise.all(Object.keys(ids).map(function (id) { return record(id).catch(function () {}); }))
      .then(function () {
        return Promise.all(figures.map(function (figure) {
          return record(figure.gil.cell.id).then(function (found) { showRecorded(figure, found); },
                                                 function (error) { showError(figure, error.message); });
        }));
      });
  }

  function recordedNear(deck, print) {
    if (print) return Promise.all(deck.getSlides().map(showRecordedIn));
    var slides = deck.getSlides();
    var current = deck.getCurrentSlide();
    return showRecordedIn(current).then(function () { return showRecordedIn(slides[slides.indexOf(current) + 1]); });
  }

  /* Until reveal.js has shown the first slide and the browser has painted it (a PDF export does not wait). */
  function firstSlideShown(deck, print) {
    return print || deck.isReady() ? Promise.resolve() : new Promise(function (resolve) {
      deck.on("ready", function () { requestAnimationFrame(function () { setTimeout(resolve); }); });
    });
  }

  function figureFor(cellId) {
    return document.querySelector('figure.demo-cell[data-cell="' + cellId + '"]');
  }

  window.GilDemos = function () {
    return {
      id: "gil-demos",
      init: function (deck) {
        reveal = deck;
        var print = /print-pdf/i.test(location.search);
        var ready = Promise.all([detectServer(), firstSlideShown(deck, print)]).then(function (found) {
          live = found[0];
          document.querySelectorAll("figure.demo-cell").forEach(setup);
          deck.on("slidechanged", function () { recordedNear(deck, false); });
          return recordedNear(deck, print);
        }).then(function () {
          document.documentElement.setAttribute("data-demos", live ? "live" : "static");
          // Reveal.initialize({"gil-demos": {runKey: "R"}}): a letter reveal.js does not use itself
          var key = String((deck.getConfig()["gil-demos"] || {}).runKey || "R").toUpperCase();
          deck.addKeyBinding({keyCode: key.charCodeAt(0), key: key, description: "Run the demo on this slide"}, function () {
            // several cells on a slide: the one holding the focus, else the first not run yet, else the first
            var figures = Array.prototype.filter.call(deck.getCurrentSlide().querySelectorAll("figure.demo-cell"),
                                                      function (f) { return f.gil; });
            var figure = figures.filter(function (f) { return f.contains(document.activeElement); })[0] ||
                         figures.filter(function (f) { return !f.gil.ran; })[0] || figures[0];
            if (figure) start(figure);
          });
          if (channel) channel.onmessage = function (message) {
            var m = message.data, figure = figureFor(m.cell);
            if (!figure || !figure.gil) return;
            if (m.type === "result") {  // a browser run in another window
              show(figure, m.result, m.label);
              return followClaims(figure, [m.result]);
            }
            if (m.type !== "job" || !live || following[m.job]) return;
            figure.gil.status.textContent = "running (started in another window)…";
            follow(figure, m.events, m.job).catch(function (error) { showError(figure, error.message); });
          };
        }).catch(function (error) {
          document.querySelectorAll("figure.demo-cell").forEach(function (figure) {
            figure.appendChild(h("div", {"class": "demo-error", text: "The demos plugin failed: " + error.message}));
          });
        });
        return print ? ready : undefined;  // reveal.js lays out a PDF's pages once this promise resolves
      }
    };
  };
})();
