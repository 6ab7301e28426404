"""Math: `$$...$$` display blocks and `$...$` inline, rendered in the browser by the local KaTeX.

The TeX is kept as escaped text in `.math` elements, never inside code (fences
are stashed before this runs, and the inline pattern ranks below backticks).
"""
import html
import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from deck.errors import DeckError

INLINE = r"(?<![\\$])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?!\d)"


class DisplayMathPreprocessor(Preprocessor):
    def run(self, lines):
        out, i = [], 0
        while i < len(lines):
            line = lines[i]
            if not line.strip().startswith("$$"):
                out.append(line)
                i += 1
                continue
            start, text = i, line.strip()[2:]
            while not text.rstrip().endswith("$$") or (i == start and not text.strip()):
                i += 1
                if i >= len(lines):
                    raise DeckError(self.md.deck_path, self.md.deck_line + start, "unclosed $$ display math")
                text += "\n" + lines[i]
            tex = text.rstrip()[:-2].strip()
            out.extend(["", self.md.htmlStash.store(f'<div class="math display">{html.escape(tex)}</div>'), ""])
            i += 1
        return out


class InlineMathProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        el = etree.Element("span", {"class": "math inline"})
        el.text = self.md.htmlStash.store(html.escape(m.group(1)))
        return el, m.start(0), m.end(0)


class MathExtension(Extension):
    def extendMarkdown(self, md):
        md.ESCAPED_CHARS.append("$")  # `\$` is a literal dollar
        md.preprocessors.register(DisplayMathPreprocessor(md), "deck_display_math", 28)
        md.inlinePatterns.register(InlineMathProcessor(INLINE, md), "deck_inline_math", 185)


def makeExtension(**kwargs):
    return MathExtension(**kwargs)
