"""The deck's manifest — its demo cells, as `site/cells.json` holds them — from one loader.

The build assembles it once from the parsed deck and writes it into the site; the CLI, the recorder
and the benches `load` it from the Markdown the same way; the server `read`s the built site's copy.
"""
import json
import os

from deck import claims
from deck.cells import collect_cells
from deck.fences import find_fences
from demos import paths
from demos.reloading import Reloading

FILE = "cells.json"


def assemble(deck, cells, **extra):
    """The manifest of a parsed deck, named by its path in the project (its file name when outside it)."""
    path = os.path.abspath(deck)
    inside = path.startswith(paths.ROOT + os.sep)
    return {"deck": os.path.relpath(path, paths.ROOT) if inside else os.path.basename(path), "cells": cells, **extra}


def load(deck=paths.DECK):
    """Parse the deck's Markdown (without rendering it); a mistake raises deck.errors.DeckError."""
    with open(deck, encoding="utf-8") as f:
        lines = f.read().split("\n")
    fences = find_fences(lines, deck)
    cells = collect_cells(fences, deck)
    return assemble(deck, cells, claims=claims.collect(lines, deck, cells, fences=fences))


def read(site_dir):
    """The manifest a build wrote into site_dir (OSError when the site is not built)."""
    with open(os.path.join(site_dir, FILE), encoding="utf-8") as f:
        return json.load(f)


def reader(site_dir):
    """`read(site_dir)`, again only when a rebuild has changed it."""
    return Reloading(lambda: read(site_dir), lambda: [os.path.join(site_dir, FILE)])


def cells_by_id(manifest):
    return {cell["id"]: cell for cell in manifest["cells"]}
