"""`python build.py`: slides/gil.md → site/, a static reveal.js site that needs no network.

Phases: read (front matter, slides, cells) → render (Markdown, template) → write.
A full build writes into a temporary folder beside the output and swaps it in,
so a failed build leaves the last good site; `dirty` rewrites only the pages
(for --watch, where the vendored files are already there).
Math is rendered here too (deck.katex), so the page needs no KaTeX script.
"""
import argparse
import base64
import glob
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time

import jinja2

from deck import claims as deck_claims
from deck import results as shown_results
from deck.cells import collect_cells
from deck.code import pygments_css
from deck.errors import BuildError, DeckError
from deck.frontmatter import split_front_matter
from deck.katex import Katex
from deck.render import Renderer
from deck.slides import split_slides
from demos import manifest as manifest_module
from demos import results
from demos.paths import ASSETS, CACHE, DECK, NODE_MODULES, RESULTS, SITE, TEMPLATE_DIR, WRAPPER

# (source under node_modules, destination under site/): what the page loads, nothing from another host.
VENDORED = [
    ("reveal.js/dist/reset.css", "vendor/reveal/reset.css"),
    ("reveal.js/dist/reveal.css", "vendor/reveal/reveal.css"),
    ("reveal.js/dist/reveal.js", "vendor/reveal/reveal.js"),
    ("reveal.js/dist/theme", "vendor/reveal/theme"),
    ("reveal.js/dist/plugin/notes.js", "vendor/reveal/plugin/notes.js"),
    ("reveal.js/dist/plugin/zoom.js", "vendor/reveal/plugin/zoom.js"),
    ("reveal.js/dist/plugin/search.js", "vendor/reveal/plugin/search.js"),
    ("katex/dist/katex.min.css", "vendor/katex/katex.min.css"),
    ("katex/dist/katex.min.js", "vendor/katex/katex.min.js"),  # not on the page: SymPy's slide loads it on Run
    ("katex/dist/fonts", "vendor/katex/fonts"),
    ("pyodide", "pyodide"),
]
SCRIPTS = ["timeline.js", "pyodide-runner.js", "claims.js", "demos.js"]  # loaded after the first slide, in this order, when present
# site/results/<cell>.js: a cell's recorded results, added to what the page has loaded (demos.js, claims.js)
RESULTS_JS = """window.GIL_RESULTS = window.GIL_RESULTS || {{results: [], compare: {{}}}};
GIL_RESULTS.compare[{cell}] = {compare};
GIL_RESULTS.results.push.apply(GIL_RESULTS.results, {results});
"""
INLINE_FONT = re.compile(r"url\(data:font/(\w+);base64,([A-Za-z0-9+/=]+)\)")
# Python the browser runs in Pyodide (site/py/): the host's own wrapper and summary, so results match
BROWSER_PYTHON = [WRAPPER, os.path.join(os.path.dirname(WRAPPER), "summary.py")]


def link_tree(src, dst):
    """Hard-link src (a file or a folder) to dst, copying where links are impossible: fast and small."""
    if os.path.isdir(src):
        for dirpath, _, files in os.walk(src):
            target = os.path.join(dst, os.path.relpath(dirpath, src))
            os.makedirs(target, exist_ok=True)
            for name in files:
                link_tree(os.path.join(dirpath, name), os.path.join(target, name))
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def unbundle_fonts(css_path):
    """reveal.js 6's themes carry their fonts as data: URLs, 575 KB of CSS that the first slide waits for:
    the fonts become files beside it (named by content), fetched in parallel and only when used."""
    with open(css_path, encoding="utf-8") as f:
        css = f.read()
    folder = os.path.join(os.path.dirname(css_path), "fonts")

    def to_file(match):
        data = base64.b64decode(match.group(2))
        name = f"{hashlib.sha256(data).hexdigest()[:16]}.{match.group(1)}"
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
        return f"url(fonts/{name})"

    css = INLINE_FONT.sub(to_file, css)
    os.unlink(css_path)  # a hard link into node_modules: replaced, never written through
    with open(css_path, "w", encoding="utf-8") as f:
        f.write(css)


class Deck:
    """What the read phase found: meta, slides, cells."""

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        lines = self.text.split("\n")
        self.meta, start = split_front_matter(lines, path)
        self.slides = split_slides(lines[start:], start + 1, path)  # reads the fences, once
        fences = [fence for slide in self.slides for fence in slide.fences]
        self.cells = collect_cells(fences, path)
        self.claims = deck_claims.collect(lines, path, self.cells, fences=fences)
        self.charts = deck_claims.collect_charts(lines, path, self.cells, fences=fences)


class Builder:
    """Keeps what does not change between builds (template, rendered slides, the KaTeX process) for --watch.

    With watch=True each page carries its build's number, which the watch server pushes to open pages
    after every build (deck.watch); without it, the Node process KaTeX runs in ends with each build.
    """

    def __init__(self, deck, out, results_dir=None, watch=False):
        self.deck, self.out, self.watch = deck, out, watch
        self.results_dir = results_dir or RESULTS
        self.renderer, self.results_pages, self.results_key, self.generation = None, None, None, 0
        self.written = {}  # page name → the text last written, so that a rebuild writes only what changed
        self.katex = Katex()
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                                      undefined=jinja2.StrictUndefined)

    def _results(self, deck):
        """The renderer and site/results/<cell>.js (one script per cell, which its slide loads), made again
        only when a results file or what the cells say of results (baselines, side-by-side options, claims,
        charts) changed: results are on slides."""
        files = [(path, os.stat(path).st_mtime_ns, os.stat(path).st_size)
                 for path in sorted(glob.glob(os.path.join(self.results_dir, "*.json")))]
        cells = deck.cells
        key = (files, [(cell["id"], cell["baseline"], cell["compare"]) for cell in cells],
               json.dumps([deck.claims, deck.charts], sort_keys=True))
        if key != self.results_key:
            recorded = results.load(self.results_dir)
            self.renderer = Renderer(self.deck, shown_results.shown(recorded, cells), self.katex,
                                     deck.claims, deck.charts, cells)
            self.results_pages = {
                f"results/{cell}.js": RESULTS_JS.format(cell=json.dumps(cell), compare=json.dumps(found["compare"]),
                                                        results=json.dumps(found["results"]))
                for cell, found in results.per_cell(recorded, cells).items()}
            self.results_key = key
        return self.renderer, self.results_pages

    def build(self, *, dirty=False):
        try:
            return self._build(dirty)
        finally:
            if not self.watch:
                self.katex.close()

    def _build(self, dirty):
        deck = Deck(self.deck)
        renderer, results_pages = self._results(deck)
        slides_html, images = renderer.sections(deck.slides)
        scripts = [name for name in SCRIPTS if os.path.exists(os.path.join(ASSETS, name))]
        styles = [name for name in ("deck.css", "demos.css") if os.path.exists(os.path.join(ASSETS, name))]
        self.generation += 1
        page = self.env.get_template("template.html.j2").render(
            meta=deck.meta, slides=slides_html, scripts=scripts, styles=styles,
            build=self.generation if self.watch else None)
        pages = {
            "index.html": page,
            **results_pages,
            "pygments.css": pygments_css(),
            "live.js": "window.GIL_LIVE = false;  // the live server answers this file with true\n",
        }
        # every page written here changes with a build: the server sends them uncached ("fresh")
        manifest = manifest_module.assemble(self.deck, deck.cells, claims=deck.claims, fresh=sorted([*pages, "cells.json", "cells.js"]))
        pages["cells.json"] = json.dumps(manifest, indent=1)
        pages["cells.js"] = "window.GIL_CELLS = " + json.dumps(manifest) + ";\n"
        if dirty and os.path.isdir(self.out):
            self._write_pages(self.out, {name: text for name, text in pages.items() if self.written.get(name) != text},
                              images)
        else:
            self._write_site(pages, images, deck.meta["theme"])
        self.written = pages
        return {"slides": len(deck.slides), "cells": len(deck.cells), "build": self.generation}

    def _write_pages(self, site, pages, images):
        for name, text in pages.items():
            folder, base = os.path.split(os.path.join(site, name))
            os.makedirs(folder, exist_ok=True)
            tmp = os.path.join(folder, f".{base}.tmp")
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, os.path.join(site, name))
        for src, rel in images:
            if not os.path.exists(os.path.join(site, rel)):
                link_tree(src, os.path.join(site, rel))

    def _write_site(self, pages, images, theme):
        parent = os.path.dirname(os.path.abspath(self.out))
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".site-", dir=parent)
        try:
            for src, dst in VENDORED:
                if not os.path.exists(os.path.join(NODE_MODULES, src)):
                    raise BuildError(f"{os.path.join(NODE_MODULES, src)} is missing: run `npm ci` (or `make install`)")
                link_tree(os.path.join(NODE_MODULES, src), os.path.join(tmp, dst))
            unbundle_fonts(os.path.join(tmp, "vendor", "reveal", "theme", f"{theme}.css"))
            link_tree(ASSETS, os.path.join(tmp, "assets"))
            for source in BROWSER_PYTHON:
                link_tree(source, os.path.join(tmp, "py", os.path.basename(source)))
            wheels = sorted(glob.glob(os.path.join(CACHE, "wheels", "*.whl")))
            for wheel in wheels:  # pure-Python wheels (SymPy) for Pyodide, listed for the page to fetch
                link_tree(wheel, os.path.join(tmp, "pyodide", "wheels", os.path.basename(wheel)))
            with open(os.path.join(tmp, "pyodide", "wheels.json"), "w") as f:
                json.dump([os.path.basename(w) for w in wheels], f)
            self._write_pages(tmp, pages, images)
            os.chmod(tmp, 0o755)
            old = None
            if os.path.exists(self.out):
                old = tempfile.mkdtemp(prefix=".site-old-", dir=parent)
                os.rename(self.out, os.path.join(old, "site"))
            os.rename(tmp, self.out)
            if old:
                shutil.rmtree(old)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def build(deck, out, *, dirty=False):
    return Builder(deck, out).build(dirty=dirty)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python build.py", description=__doc__.splitlines()[0])
    parser.add_argument("--deck", default=os.path.relpath(DECK))
    parser.add_argument("--out", default=os.path.relpath(SITE))
    parser.add_argument("--watch", action="store_true", help="serve the site, rebuild on change, reload the page")
    parser.add_argument("--port", type=int, default=8001, help="port for --watch (default: %(default)s; 0: any free one)")
    args = parser.parse_args(argv)
    builder = Builder(args.deck, args.out, watch=args.watch)
    started = time.perf_counter()
    try:
        stats = builder.build()
    except (DeckError, BuildError) as error:
        print(error, file=sys.stderr)
        return 2
    print(f"built {args.out}/: {stats['slides']} slides, {stats['cells']} cells "
          f"in {time.perf_counter() - started:.2f} s")
    if args.watch:
        from deck.watch import watch  # the server and watchfiles: only --watch pays for them

        watch(builder, args.port)
    return 0
