/* Thread timelines in the style of Beazley's GIL visualisations: one row per thread, filled where the
 * thread was on a CPU (as the kernel counted it, sampled from outside the process). Each thread has a role
 * (main, worker, process, runtime) and the timeline its overlap and parallelism, all from the runner.
 * A timeline has `intervals` intervals of `step_s` seconds; each thread's `on_cpu` is its share of each on
 * CPU in per cent, a run of k idle ones written -k (demos/sampler.py), none for the runtime's threads.
 * GilTimeline.render(timeline) → an <svg> element; GilTimeline.busy(timeline) → per-row busy intervals;
 * GilTimeline.span(timeline) → its length in seconds. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  // drawn about 1:1 on the 1100×760 canvas, so that 15-unit labels read as ≥ 14 px (demos.css)
  var ROW = 20, GAP = 4, LABEL = 160, WIDTH = 560, AXIS = 20, RIGHT = 28;  // RIGHT: room for half the last tick's label
  var COLOURS = ["#2a76dd", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#16a085"];

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Fraction of each interval a thread spent on CPU. */
  function shares(thread) {
    var out = [];
    thread.on_cpu.forEach(function (value) {
      if (value >= 0) out.push(value / 100);
      else for (var k = 0; k < -value; k++) out.push(0);
    });
    return out;
  }

  function span(timeline) { return timeline.intervals * timeline.step_s; }

  /* The threads worth a row: the cell's worker threads always (an idle or stalled worker is the point of
   * some slides), its main thread and processes only if they did real work. The JVM's own threads (role
   * runtime: GC, JIT compilers) stay in the result, not on the slide. */
  function rows(timeline) {
    var own = timeline.threads.filter(function (th) { return th.role !== "runtime" && th.on_cpu; });
    var most = Math.max.apply(null, own.map(function (th) { return th.cpu_s; }).concat([0]));
    return own.filter(function (th) { return th.role === "worker" || th.cpu_s >= 0.05 * most; });
  }

  /* Per shown row, the indexes of intervals inside the cell's timed region where the thread was busy (>50%). */
  function busy(timeline) {
    var step = timeline.step_s, start = timeline.cell_start_s || 0, end = timeline.cell_end_s || span(timeline);
    return rows(timeline).map(function (thread) {
      var out = [];
      shares(thread).forEach(function (share, i) {
        if (share > 0.5 && i * step >= start && (i + 1) * step <= end) out.push(i);
      });
      return out;
    });
  }

  function niceStep(span) {
    var steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 60];
    for (var i = 0; i < steps.length; i++) if (span / steps[i] <= 8) return steps[i];
    return 120;
  }

  /* options.compact: the worker threads only and no legend, for timelines side by side;
   * options.from, options.span: the seconds the time axis starts at and covers (timelines side by side each
   * start at their own cell's start, on the longest one's scale); options.axis false: no time axis (it is
   * drawn under the last of a stack); options.width: the lanes' width, so that a narrower timeline keeps
   * its type size instead of being scaled down. */
  function render(timeline, options) {
    options = options || {};
    var compact = options.compact, shown = rows(timeline), sets = busy(timeline);
    var workers = shown.map(function (thread) { return thread.role === "worker"; });
    if (compact && workers.indexOf(true) >= 0) {
      sets = sets.filter(function (_, i) { return workers[i]; });
      shown = shown.filter(function (_, i) { return workers[i]; });
    }
    var step = timeline.step_s, from = options.from || 0, total = options.span || span(timeline) || 1;
    var width = options.width || WIDTH, axis = options.axis !== false;
    var height = shown.length * (ROW + GAP) + (axis ? AXIS : 0) * (compact ? 1 : 2) + 4;
    var svg = el("svg", {"class": "timeline", viewBox: "0 0 " + (LABEL + width + RIGHT) + " " + height,
                         width: LABEL + width + RIGHT, height: height,  // its size where CSS does not scale it
                         role: "img", "aria-label": "per-thread CPU timeline"});
    var x = function (s) { return LABEL + Math.min(1, Math.max(0, (s - from) / total)) * width; };
    if (timeline.cell_start_s !== null && timeline.cell_start_s !== undefined) {
      svg.appendChild(el("rect", {"class": "timed", x: x(timeline.cell_start_s), y: 0, height: height - (axis ? AXIS : 4),
                                  width: Math.max(1, x(timeline.cell_end_s) - x(timeline.cell_start_s))}));
    }
    shown.forEach(function (thread, r) {
      var y = r * (ROW + GAP);
      var g = el("g", {"class": "timeline-row", "data-name": thread.name, "data-tid": thread.tid,
                       "data-role": thread.role || "", "data-busy-intervals": sets[r].length});
      g.appendChild(el("text", {x: LABEL - 8, y: y + ROW - 5, "text-anchor": "end"}, thread.name + " · " + thread.tid));
      g.appendChild(el("rect", {"class": "lane", x: LABEL, y: y, width: width, height: ROW}));
      // merge neighbouring intervals of the same shade so a long run is one rectangle
      var s = shares(thread), i = 0;
      while (i < s.length) {
        var shade = Math.round(s[i] * 4) / 4, j = i;
        while (j + 1 < s.length && Math.round(s[j + 1] * 4) / 4 === shade) j++;
        if (shade > 0 && x((j + 1) * step) > x(i * step)) {  // outside the axis' span: not drawn
          g.appendChild(el("rect", {x: x(i * step), y: y, width: Math.max(0.5, x((j + 1) * step) - x(i * step)),
                                    height: ROW, fill: COLOURS[r % COLOURS.length], "fill-opacity": shade}));
        }
        i = j + 1;
      }
      svg.appendChild(g);
    });
    var step = niceStep(total), axisY = shown.length * (ROW + GAP) + 2;
    for (var tick = 0; axis && tick <= total + 1e-9; tick += step) {
      svg.appendChild(el("line", {"class": "tick", x1: x(from + tick), x2: x(from + tick), y1: axisY, y2: axisY + 4}));
      svg.appendChild(el("text", {"class": "tick-label", x: x(from + tick), y: axisY + AXIS - 2, "text-anchor": "middle"},
                         step < 1 ? Math.round(tick * 1000) + " ms" : tick.toFixed(step < 10 ? 1 : 0) + " s"));
    }
    if (!compact) {
      var legendY = axisY + AXIS * 2 - 2;
      svg.appendChild(el("rect", {x: LABEL, y: legendY - 9, width: 14, height: 10, fill: COLOURS[0]}));
      svg.appendChild(el("text", {"class": "tick-label", x: LABEL + 18, y: legendY}, "on CPU (shade: share of each sample)"));
      svg.appendChild(el("rect", {"class": "timed", x: LABEL + 290, y: legendY - 9, width: 14, height: 10}));
      svg.appendChild(el("text", {"class": "tick-label", x: LABEL + 308, y: legendY}, "timed region of the cell"));
    }
    svg.setAttribute("data-rows", shown.length);
    // measured by the runner over the timed region (recordings made before it did so have neither)
    if (timeline.overlap !== undefined && timeline.overlap !== null) svg.setAttribute("data-overlap", timeline.overlap);
    if (timeline.parallelism !== undefined && timeline.parallelism !== null) {
      svg.setAttribute("data-parallelism", timeline.parallelism);
    }
    svg.setAttribute("data-source", timeline.source + (timeline.coarse ? " (coarse)" : ""));
    return svg;
  }

  window.GilTimeline = {render: render, busy: busy, rows: rows, span: span};
})();
