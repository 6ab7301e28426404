"""`[[demo: CELL compare=NAME]]`: a deck's cell shown again on a later slide, without its code, with its
side-by-side option NAME (`compare-NAME=` on the cell) chosen — the same cell, its results and its Run.

The figure carries `data-cell` and `data-compare`; the demos plugin (slides/assets/demos.js) sets it up as
it does the cell's own figure. A cell that is not in the deck, or an option the cell does not declare,
stops the build at the directive's line.
"""
import html
import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from deck.source import Source, stash_lines

DIRECTIVE = re.compile(r"^\s*\[\[demo:\s*([a-z0-9-]+)(?:\s+compare=([A-Za-z0-9_-]+))?\s*\]\]\s*$")


class DemoAgainPreprocessor(Preprocessor):
    def __init__(self, md, cells, source):
        super().__init__(md)
        self.cells, self.source = {cell["id"]: cell for cell in cells}, source

    def run(self, lines):
        for index, line in enumerate(lines):
            match = DIRECTIVE.match(line)
            if not match:
                continue
            cell_id, option = match.groups()
            cell = self.cells.get(cell_id)
            if cell is None or cell["hidden"]:
                raise self.source.error(index, f"[[demo: {cell_id}]] names no demo cell of this deck")
            if option and option not in cell["compare"]:
                raise self.source.error(index, f"[[demo: {cell_id} compare={option}]]: the cell declares no "
                                               f"compare-{option}= (it has: {', '.join(cell['compare']) or 'none'})")
            compare = f' data-compare="{html.escape(option)}"' if option else ""
            stash_lines(self.md, lines, index, index, f'<figure class="demo-cell demo-again" id="cell-{cell_id}-again'
                                                      f'{"-" + option if option else ""}" data-cell="{cell_id}"{compare}></figure>')
        return lines


class DemoAgainExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"cells": [[], "the deck's cells (deck.cells)"],
                       "source": [Source(), "the deck lines being converted (deck.source)"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(DemoAgainPreprocessor(md, self.getConfig("cells"), self.getConfig("source")),
                                  "deck_demo_again", 27.5)
