"""Fenced code, highlighted by Pygments at build time; demo cells become `<figure class="demo-cell">`.

Replaces Python-Markdown's fenced_code so that fences are parsed once, by
deck.cells, with the deck's line numbers in every error.
"""
import functools
import html

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from deck.cells import check_code_attrs, iter_fences
from deck.errors import DeckError

CSS_CLASS = "highlight"


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
    try:
        lexer = get_lexer_by_name(language) if language else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    formatter = HtmlFormatter(cssclass=CSS_CLASS, hl_lines=list(hl_lines), linenos="inline" if linenos else False,
                              wrapcode=True)
    return highlight(text, lexer, formatter)


def render_fence(fence, path):
    code_html = None
    if fence.is_cell:
        if "hidden" in fence.classes:
            return ""
        code_html = highlighted(fence.text, fence.language)
        data = {"cell": fence.id, "language": fence.language, "group": fence.attrs.get("group", ""),
                "browser": fence.attrs.get("browser", "false"), "native": fence.attrs.get("native", "false")}
        attrs = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in data.items())
        return f'<figure class="demo-cell" id="cell-{fence.id}" {attrs}>{code_html}</figure>'
    check_code_attrs(fence, path)
    hl = tuple(parse_lines(fence.attrs["hl"], path, fence.line)) if "hl" in fence.attrs else ()
    code_html = highlighted(fence.text, fence.language, hl, fence.attrs.get("linenos") == "true")
    if fence.id or fence.classes:
        classes = " ".join(fence.classes)
        ident = f' id="{html.escape(fence.id)}"' if fence.id else ""
        code_html = f'<div{ident} class="{html.escape(classes)}">{code_html}</div>'
    return code_html


class CodePreprocessor(Preprocessor):
    def run(self, lines):
        path, first = self.md.deck_path, self.md.deck_line
        out, last = [], 0
        for start, end, fence in iter_fences(lines, path, first):
            out.extend(lines[last:start])
            out.extend(["", self.md.htmlStash.store(render_fence(fence, path)), ""])
            last = end + 1
        out.extend(lines[last:])
        return out


class CodeExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(CodePreprocessor(md), "deck_code", 29)


def makeExtension(**kwargs):
    return CodeExtension(**kwargs)


def pygments_css():
    return HtmlFormatter(style="friendly").get_style_defs(f".{CSS_CLASS}")
