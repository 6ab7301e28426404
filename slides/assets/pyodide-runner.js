/* Python in the browser, for the static site: Pyodide (copied from npm into site/pyodide/) is loaded only
 * when first needed, from this site, never from a CDN.
 *   GilPyodide.run(cell, params, onProgress) → Promise of a result shaped like `demos run --json`
 *   GilPyodide.sympy(onProgress)            → Promise of the LaTeX of solveset(sin(x) - 1, domain=S.Reals)
 * Cells run as the server's wrapper runs them: parameters as globals, setup untimed, then the cell's own
 * source timed with time.perf_counter. SymPy and mpmath are pure-Python wheels from PyPI, unpacked from
 * site/pyodide/wheels/ (listed in wheels.json by the build). */
(function () {
  "use strict";
  var base = new URL("pyodide/", document.baseURI).href;
  var ready = null, sympyReady = null;

  var RUNNER = [
    "import io, json, sys, time, contextlib",
    "def gil_run(spec_json):",
    "    spec = json.loads(spec_json)",
    "    values = {}",
    "    ns = {'__name__': '__main__', 'emit': lambda name, value: values.__setitem__(name, float(value))}",
    "    ns.update(spec['params'])",
    "    out, err = io.StringIO(), io.StringIO()",
    "    status, wall0 = 'ok', time.perf_counter()",
    "    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):",
    "        try:",
    "            exec(compile(spec['setup'], '<setup>', 'exec'), ns)",
    "            code = compile(spec['source'], '<cell %s>' % spec['id'], 'exec')",
    "            t0 = time.perf_counter()",
    "            exec(code, ns)",
    "            cell_s = time.perf_counter() - t0",
    "        except BaseException:",
    "            import traceback; traceback.print_exc(); status, cell_s = 'error', None",
    "    return json.dumps({'status': status, 'cell_s': cell_s, 'wall_s': time.perf_counter() - wall0,",
    "                       'stdout': out.getvalue()[-65536:], 'stderr': err.getvalue()[-65536:], 'values': values})",
  ].join("\n");

  function load(onProgress) {
    if (!ready) {
      ready = new Promise(function (resolve, reject) {
        if (location.protocol === "file:") {
          reject(new Error("the browser cannot load Pyodide from a file:// page; serve the site (e.g. python -m http.server -d site)"));
          return;
        }
        onProgress("loading Python (Pyodide, about 10 MB, once)…");
        var script = document.createElement("script");
        script.src = base + "pyodide.js";
        script.onload = function () {
          window.loadPyodide({indexURL: base, stdout: function () {}, stderr: function () {}})
            .then(function (pyodide) { return pyodide.runPythonAsync(RUNNER).then(function () { return pyodide; }); })
            .then(resolve, reject);
        };
        script.onerror = function () { reject(new Error("could not load " + script.src)); };
        document.head.appendChild(script);
      });
      ready.catch(function () { ready = null; });  // a later Run may try again
    }
    return ready;
  }

  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; }), n = sorted.length;
    return n ? (n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2) : null;
  }

  function medianValues(runs) {  // what the cell emitted, median over the ok runs (as the runner's summary)
    var out = {};
    runs.forEach(function (r) { Object.keys(r.values || {}).forEach(function (name) { out[name] = null; }); });
    Object.keys(out).forEach(function (name) {
      out[name] = median(runs.filter(function (r) { return name in r.values; }).map(function (r) { return r.values[name]; }));
    });
    return out;
  }

  function run(cell, params, onProgress) {
    return load(onProgress).then(function (pyodide) {
      var spec = JSON.stringify({id: cell.id, setup: cell.setup, source: cell.source, params: params});
      var runs = [], gilRun = pyodide.globals.get("gil_run");
      for (var i = 0; i < cell.repeat; i++) {
        onProgress("run " + (i + 1) + " of " + cell.repeat + " in your browser…");
        runs.push(JSON.parse(gilRun(spec)));
      }
      gilRun.destroy();
      var ok = runs.filter(function (r) { return r.status === "ok"; }), times = ok.map(function (r) { return r.cell_s; });
      var version = pyodide.runPython("import sys; sys.version.split()[0]");
      return {
        cell: cell.id, params: params, recorded_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        interpreter: {name: "Pyodide " + pyodide.version + " (Python " + version + ", WebAssembly)",
                      version: version, implementation: "Pyodide", gil_enabled: true},
        machine: {name: "your browser", cpu_model: navigator.platform || "browser", cores: navigator.hardwareConcurrency},
        runs: runs,
        summary: {median_cell_s: median(times), min_cell_s: times.length ? Math.min.apply(null, times) : null,
                  max_cell_s: times.length ? Math.max.apply(null, times) : null,
                  median_wall_s: median(runs.map(function (r) { return r.wall_s; })),
                  values: medianValues(ok)}
      };
    });
  }

  function sympy(onProgress) {
    if (!sympyReady) {
      sympyReady = load(onProgress).then(function (pyodide) {
        onProgress("installing SymPy from this site…");
        return fetch(base + "wheels.json").then(function (answer) {
          if (!answer.ok) throw new Error("no SymPy wheels in this site (run make install, then build)");
          return answer.json();
        }).then(function (wheels) {
          return Promise.all(wheels.map(function (name) {
            return fetch(base + "wheels/" + name).then(function (answer) { return answer.arrayBuffer(); })
              .then(function (buffer) { pyodide.unpackArchive(buffer, "wheel"); });
          }));
        }).then(function () { return pyodide; });
      });
      sympyReady.catch(function () { sympyReady = null; });
    }
    return sympyReady.then(function (pyodide) {
      onProgress("solving…");
      return pyodide.runPython("from sympy import symbols, solveset, sin, S, latex\n" +
                               "x = symbols('x')\nlatex(solveset(sin(x) - 1, domain=S.Reals))");
    });
  }

  /* The SymPy slide gets its own control: the real solveset, rendered by the local KaTeX. */
  function sympySlide() {
    var slide = document.getElementById("sympy");
    if (!slide) return;
    var button = document.createElement("button"), status = document.createElement("span");
    var output = document.createElement("div");
    button.type = "button";
    button.className = "demo-run";
    button.textContent = "▶ Solve it in your browser";
    output.className = "sympy-output";
    var bar = document.createElement("div");
    bar.className = "demo-controls";
    bar.appendChild(button);
    bar.appendChild(status);
    status.className = "demo-status";
    slide.appendChild(bar);
    slide.appendChild(output);
    button.addEventListener("click", function () {
      button.disabled = true;
      sympy(function (message) { status.textContent = message; }).then(function (tex) {
        status.textContent = "SymPy in your browser (Pyodide/WebAssembly) says:";
        output.setAttribute("data-latex", tex);
        window.katex.render(tex, output, {displayMode: true, throwOnError: false});
      }).catch(function (error) {
        status.textContent = "";
        output.className = "demo-error";
        output.textContent = "Could not run SymPy here: " + error.message;
      }).then(function () { button.disabled = false; });
    });
  }

  window.GilPyodide = {run: run, sympy: sympy};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sympySlide);
  else sympySlide();
})();
