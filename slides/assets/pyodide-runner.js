/* Python in the browser: Pyodide (copied from npm into site/pyodide/) is loaded only when first needed,
 * from this site, never from a CDN.
 *   GilPyodide.run(cell, params, onProgress) → Promise of a result shaped like `demos run --json`
 * A cell runs through the host's own timing wrapper and its results through the host's summary
 * (demos/wrapper.py and demos/summary.py, which the build copies to site/py/), so a browser result has
 * the host's shape, minus what only a parent process measures (rusage, the thread timeline).
 * Packages a cell declares (`packages=`) are pure-Python wheels unpacked from site/pyodide/wheels/
 * (listed in wheels.json by the build). */
(function () {
  "use strict";
  var base = new URL("pyodide/", document.baseURI).href, python = new URL("py/", document.baseURI).href;
  var MODULES = ["wrapper", "summary"];
  var ready = null, installed = {}, katexReady = null;

  function fetchOk(url, what) {
    return fetch(url).then(function (answer) {
      if (!answer.ok) throw new Error("could not load " + what + " (" + url + ": HTTP " + answer.status + ")");
      return answer;
    });
  }

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
          window.loadPyodide({indexURL: base, stdout: function () {}, stderr: function () {}}).then(function (pyodide) {
            return Promise.all(MODULES.map(function (name) {
              return fetchOk(python + name + ".py", name + ".py").then(function (answer) { return answer.text(); })
                .then(function (text) { pyodide.FS.writeFile(name + ".py", text); });  // the working folder is on sys.path
            })).then(function () { return pyodide; });
          }).then(resolve, reject);
        };
        script.onerror = function () { reject(new Error("could not load " + script.src)); };
        document.head.appendChild(script);
      });
      ready.catch(function () { ready = null; });  // a later Run may try again
    }
    return ready;
  }

  /* The wheels of the packages a cell declares, unpacked once each. */
  function install(pyodide, packages, onProgress) {
    var missing = packages.filter(function (name) { return !installed[name]; });
    if (!missing.length) return Promise.resolve();
    onProgress("installing " + missing.join(", ") + " from this site…");
    return fetchOk(base + "wheels.json", "the list of wheels").then(function (answer) { return answer.json(); })
      .then(function (wheels) {
        return Promise.all(missing.map(function (name) {
          var wheel = wheels.filter(function (file) { return file.split("-")[0].toLowerCase() === name.toLowerCase(); })[0];
          if (!wheel) throw new Error("no wheel for " + name + " in this site (run make install, then build)");
          return fetchOk(base + "wheels/" + wheel, wheel).then(function (answer) { return answer.arrayBuffer(); })
            .then(function (buffer) { pyodide.unpackArchive(buffer, "wheel"); installed[name] = true; });
        }));
      });
  }

  /* Values cross between JavaScript and Python as JSON: the same text the host's result travels in. */
  function call(pyodide, module, name, args) {
    var json = pyodide.pyimport("json"), fn = pyodide.pyimport(module)[name];
    var pyArgs = (args || []).map(function (arg) { return json.loads(JSON.stringify(arg)); });
    var answer = fn.apply(null, pyArgs);
    return JSON.parse(json.dumps(answer));
  }

  function run(cell, params, onProgress) {
    return load(onProgress).then(function (pyodide) {
      return install(pyodide, cell.packages || [], onProgress).then(function () {
        var spec = {id: cell.id, setup: cell.setup, source: cell.source, params: params}, runs = [];
        for (var i = 0; i < cell.repeat; i++) {
          onProgress("run " + (i + 1) + " of " + cell.repeat + " in your browser…");
          runs.push(call(pyodide, "wrapper", "run_here", [spec]));
        }
        var facts = call(pyodide, "wrapper", "facts");
        return {
          cell: cell.id, sha256: cell.sha256, params: params,
          recorded_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
          interpreter: Object.assign({name: "pyodide-" + pyodide.version}, facts),
          machine: {name: "your browser", cpu_model: navigator.platform || "browser", cores: navigator.hardwareConcurrency},
          runs: runs, summary: call(pyodide, "summary", "summarise", [runs])
        };
      });
    }).then(function (result) {  // math output is drawn by KaTeX, which the page does not load up front
      return cell.output === "latex" ? loadKatex().then(function () { return result; }) : result;
    });
  }

  /* The deck's math is HTML from the build: KaTeX's script is loaded only for a cell
   * whose output is LaTeX (output=latex), on first use. */
  function loadKatex() {
    if (!katexReady) {
      katexReady = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL("vendor/katex/katex.min.js", document.baseURI).href;
        script.onload = function () { resolve(window.katex); };
        script.onerror = function () { reject(new Error("could not load " + script.src)); };
        document.head.appendChild(script);
      });
      katexReady.catch(function () { katexReady = null; });
    }
    return katexReady;
  }

  window.GilPyodide = {run: run};
})();
