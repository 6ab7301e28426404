"""`python build.py`: slides/gil.md → site/, a static reveal.js site that needs no network.

Phases: read (front matter, slides, cells) → render (Markdown, template) → write.
A full build writes into a temporary folder beside the output and swaps it in,
so a failed build leaves the last good site; `dirty` rewrites only the pages
(for --watch, where the vendored files are already there).
"""
import argparse
import glob
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time

import jinja2

from deck import claims as claims_module
from deck import results as results_module
from deck.cells import collect_cells, iter_fences
from deck.code import pygments_css
from deck.errors import DeckError
from deck.frontmatter import split_front_matter
from deck.render import Renderer
from deck.slides import split_slides

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE = os.path.join(ROOT, "node_modules")
SLIDES = os.path.join(ROOT, "slides")
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
    ("katex/dist/katex.min.js", "vendor/katex/katex.min.js"),
    ("katex/dist/fonts", "vendor/katex/fonts"),
    ("pyodide", "pyodide"),
]
SCRIPTS = ["timeline.js", "pyodide-runner.js", "claims.js", "demos.js"]  # loaded in this order when present


class BuildError(Exception):
    """Something outside the deck is missing (e.g. node_modules)."""


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


class Deck:
    """What the read phase found: meta, slides, cells."""

    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        lines = self.text.split("\n")
        self.meta, start = split_front_matter(lines, path)
        self.slides = split_slides(lines[start:], start + 1, path)
        self.cells = collect_cells([fence for _, _, fence in iter_fences(lines, path)], path)
        self.claims = claims_module.collect(lines, path, self.cells)
        self.charts = claims_module.collect_charts(lines, path, self.cells)


class Builder:
    """Keeps what does not change between builds (template, rendered slides) for --watch."""

    def __init__(self, deck, out, results_dir=None, watch=False):
        self.deck, self.out, self.watch = deck, out, watch
        self.results_dir = results_dir or os.path.join(ROOT, "results")
        self.renderer, self.results_key = None, None
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(SLIDES), autoescape=True,
                                      undefined=jinja2.StrictUndefined)

    def _renderer(self, recorded, deck):
        key = hashlib.sha256(json.dumps([recorded, deck.claims, deck.charts], sort_keys=True).encode()).hexdigest()
        if key != self.results_key:  # results, claims and charts are on slides: new ones, new renders
            self.renderer, self.results_key = Renderer(self.deck, recorded, deck.claims, deck.charts), key
        return self.renderer

    def build(self, *, dirty=False):
        deck = Deck(self.deck)
        recorded = results_module.load(self.results_dir)
        slides_html, images = self._renderer(recorded, deck).sections(deck.slides)
        manifest = {"deck": os.path.relpath(self.deck, ROOT), "cells": deck.cells, "claims": deck.claims}
        scripts = [name for name in SCRIPTS if os.path.exists(os.path.join(SLIDES, "assets", name))]
        styles = [name for name in ("deck.css", "demos.css") if os.path.exists(os.path.join(SLIDES, "assets", name))]
        page = self.env.get_template("template.html.j2").render(
            meta=deck.meta, slides=slides_html, scripts=scripts, styles=styles, watch=self.watch)
        pages = {
            "index.html": page,
            "cells.json": json.dumps(manifest, indent=1),
            "cells.js": "window.GIL_CELLS = " + json.dumps(manifest) + ";\n",
            "results.js": "window.GIL_RESULTS = " + json.dumps(results_module.for_browser(recorded)) + ";\n",
            "pygments.css": pygments_css(),
            "build-id.txt": hashlib.sha256(page.encode()).hexdigest()[:16],
            "live.js": "window.GIL_LIVE = false;  // the live server answers this file with true\n",
        }
        if dirty and os.path.isdir(self.out):
            self._write_pages(self.out, pages, images)
        else:
            self._write_site(pages, images)
        return {"slides": len(deck.slides), "cells": len(deck.cells)}

    def _write_pages(self, site, pages, images):
        for name, text in pages.items():
            tmp = os.path.join(site, f".{name}.tmp")
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, os.path.join(site, name))
        for src, rel in images:
            if not os.path.exists(os.path.join(site, rel)):
                link_tree(src, os.path.join(site, rel))

    def _write_site(self, pages, images):
        parent = os.path.dirname(os.path.abspath(self.out))
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".site-", dir=parent)
        try:
            for src, dst in VENDORED:
                if not os.path.exists(os.path.join(NODE, src)):
                    raise BuildError(f"{os.path.join(NODE, src)} is missing: run `npm ci` (or `make install`)")
                link_tree(os.path.join(NODE, src), os.path.join(tmp, dst))
            link_tree(os.path.join(SLIDES, "assets"), os.path.join(tmp, "assets"))
            wheels = sorted(glob.glob(os.path.join(ROOT, ".cache", "wheels", "*.whl")))
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
    parser.add_argument("--deck", default=os.path.relpath(os.path.join(SLIDES, "gil.md")))
    parser.add_argument("--out", default="site")
    parser.add_argument("--watch", action="store_true", help="serve the site, rebuild on change, reload the page")
    parser.add_argument("--port", type=int, default=8001, help="port for --watch (default: %(default)s)")
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
        from deck.watch import watch
        watch(builder, args.port)
    return 0
