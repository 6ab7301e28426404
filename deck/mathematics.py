"""Math: `$$...$$` display blocks and `$...$` inline, rendered to HTML at build by KaTeX (deck.katex).

A TeX mistake is a deck mistake at the formula's line. Math is never looked for inside code
(fences are stashed before this runs, and the inline pattern ranks below backticks).
"""
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from deck.katex import Katex, TexError
from deck.source import Source, stash_lines

INLINE = r"(?<![\\$])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?!\d)"


class DisplayMathPreprocessor(Preprocessor):
    def __init__(self, md, source, katex):
        super().__init__(md)
        self.source, self.katex = source, katex

    def run(self, lines):
        lines, i = list(lines), 0
        while i < len(lines):
            if not lines[i].strip().startswith("$$"):
                i += 1
                continue
            start, text = i, lines[i].strip()[2:]
            while not text.rstrip().endswith("$$") or (i == start and not text.strip()):
                i += 1
                if i >= len(lines):
                    raise self.source.error(start, "unclosed $$ display math")
                text += "\n" + lines[i]
            try:
                html = self.katex.render(text.rstrip()[:-2].strip(), display=True)
            except TexError as error:
                raise self.source.error(start, str(error)) from None
            stash_lines(self.md, lines, start, i, f'<div class="math display">{html}</div>')
            i += 1
        return lines


class InlineMathProcessor(InlineProcessor):
    def __init__(self, pattern, md, source, katex):
        super().__init__(pattern, md)
        self.source, self.katex = source, katex

    def handleMatch(self, m, data):
        try:
            html = self.katex.render(m.group(1), display=False)
        except TexError as error:
            raise self.source.error_at(m.group(0), str(error)) from None
        return self.md.htmlStash.store(f'<span class="math inline">{html}</span>'), m.start(0), m.end(0)


class MathExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"source": [Source(), "the deck lines being converted (deck.source)"],
                       "katex": [Katex(), "renders TeX to HTML (deck.katex)"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        source, katex = self.getConfig("source"), self.getConfig("katex")
        md.ESCAPED_CHARS.append("$")  # `\$` is a literal dollar
        md.preprocessors.register(DisplayMathPreprocessor(md, source, katex), "deck_display_math", 28)
        md.inlinePatterns.register(InlineMathProcessor(INLINE, md, source, katex), "deck_inline_math", 185)


def makeExtension(**kwargs):
    return MathExtension(**kwargs)
