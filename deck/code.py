"""Fenced code, highlighted by Pygments at build time; demo cells become `<figure class="demo-cell">`.

Replaces Python-Markdown's fenced_code: the fences were read once, by deck.fences, when the
deck was split into slides, with the deck's line numbers in every error.
"""
import functools
import html

import pygments
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from deck.cache import Cache
from deck.errors import DeckError
from deck.source import Source, stash_lines

CSS_CLASS = "highlight"
CODE_KEYS = {"hl", "linenos"}  # attributes of a plain (non-cell) code block
CACHE = Cache("pygments")


def parse_lines(spec, path, line):
    """`2-3,5` → [2, 3, 5]."""
    numbers = []
    for part in spec.replace(" ", ",").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        try:
            numbers.extend(range(int(low), int(high or low) + 1))
        except ValueError:
            raise DeckError(path, line, f"hl= wants line numbers like 2-3,5, got {spec!r}") from None
    return numbers


@functools.lru_cache(maxsize=1024)  # rebuilds in --watch re-highlight only what changed
def highlighted(text, language, hl_lines=(), linenos=False):
    """Pygments' HTML, from the disk cache when an earlier build made it (lexers are slow to start)."""
    path = CACHE.path(pygments.__version__, CSS_CLASS, language, hl_lines, linenos, text)
    html_ = CACHE.get(path)
    if html_ is None:
        try:
            lexer = get_lexer_by_name(language) if language else TextLexer()
        except ClassNotFound:
            lexer = TextLexer()
        formatter = HtmlFormatter(cssclass=CSS_CLASS, hl_lines=list(hl_lines),
                                  linenos="inline" if linenos else False, wrapcode=True)
        html_ = pygments.highlight(text, lexer, formatter)
        CACHE.put(path, html_)
    return html_


def render_fence(fence, path):
    if fence.is_cell:  # the demos plugin finds the cell's facts in the manifest by data-cell
        if "hidden" in fence.classes:
            return ""
        code_html = highlighted(fence.text, fence.language)
        return f'<figure class="demo-cell" id="cell-{fence.id}" data-cell="{html.escape(fence.id)}">{code_html}</figure>'
    for key in fence.attrs:
        if key not in CODE_KEYS:
            raise DeckError(path, fence.line, f"unknown attribute {key!r} on a code block")
    hl = tuple(parse_lines(fence.attrs["hl"], path, fence.line)) if "hl" in fence.attrs else ()
    code_html = highlighted(fence.text, fence.language, hl, fence.attrs.get("linenos") == "true")
    if fence.id or fence.classes:
        classes = " ".join(fence.classes)
        ident = f' id="{html.escape(fence.id)}"' if fence.id else ""
        code_html = f'<div{ident} class="{html.escape(classes)}">{code_html}</div>'
    return code_html


class CodePreprocessor(Preprocessor):
    def __init__(self, md, source):
        super().__init__(md)
        self.source = source

    def run(self, lines):
        lines = list(lines)
        for fence in self.source.fences:
            start = fence.line - self.source.first_line
            end = fence.end - self.source.first_line
            stash_lines(self.md, lines, start, end, render_fence(fence, self.source.path))
        return lines


class CodeExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"source": [Source(), "the deck lines being converted, with their fences (deck.source)"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(CodePreprocessor(md, self.getConfig("source")), "deck_code", 29)


def makeExtension(**kwargs):
    return CodeExtension(**kwargs)


@functools.lru_cache(maxsize=None)
def pygments_css():
    return HtmlFormatter(style="friendly").get_style_defs(f".{CSS_CLASS}")
