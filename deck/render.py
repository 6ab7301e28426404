"""Render the deck: slides → reveal.js `<section>`s, each slide's Markdown through our extensions."""
import html

import markdown
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension

from deck import claims, code, demo_again, fragments, images, mathematics, results
from deck.source import Source
from demos import results as recorded_results


class Renderer:
    """One Markdown instance for a deck, reset per slide; unchanged slides come from a cache (for --watch).

    Every extension gets what it needs as config: `source` (the lines being converted, where they are in
    the deck, their fences), the recorded results, the claims and charts, the cells, the KaTeX renderer (deck.katex.Katex: its owner closes
    it). A new feature is one more line here.
    """

    def __init__(self, path, recorded, katex, deck_claims=(), deck_charts=(), cells=()):
        self.source = Source(path)
        self.images = images.ImagesExtension(source=self.source)
        self.md = markdown.Markdown(extensions=[
            TableExtension(), AttrListExtension(), MarkdownInHtmlExtension(), SaneListExtension(),
            code.CodeExtension(source=self.source),
            demo_again.DemoAgainExtension(cells=list(cells), source=self.source),
            mathematics.MathExtension(source=self.source, katex=katex),
            fragments.FragmentsExtension(),
            self.images,
            results.ResultsExtension(shown=recorded, source=self.source),
            claims.ClaimExtension(claims=list(deck_claims), charts=list(deck_charts),
                                  results=recorded_results.for_browser(recorded["files"])["results"]),
        ])
        self.cache = {}

    def markdown(self, lines, first_line, fences):
        """HTML of some deck lines (holding these fences), and the local images it uses."""
        key = "\n".join(lines)
        if key not in self.cache:
            self.md.reset()
            self.source.at(lines, first_line, fences)
            self.cache[key] = (self.md.convert(key), frozenset(self.images.used))
        return self.cache[key]

    def slide(self, slide):
        notes_line = slide.line + len(slide.body)
        body, used = self.markdown(slide.body, slide.line, [f for f in slide.fences if f.line < notes_line])
        notes_html = ""
        if slide.notes:
            notes, more = self.markdown(slide.notes, notes_line, [f for f in slide.fences if f.line >= notes_line])
            used |= more
            notes_html = f'\n<aside class="notes">{notes}</aside>'
        attrs = "".join(f' {key}="{html.escape(value)}"' for key, value in slide.attrs.items())
        return f"<section{attrs}>\n{body}{notes_html}\n</section>", used

    def sections(self, slides):
        """Vertical slides (`--`) nest inside the horizontal one before them."""
        columns, used = [], set()
        for slide in slides:
            html_, images_ = self.slide(slide)
            used |= images_
            if slide.vertical and columns:
                columns[-1].append(html_)
            else:
                columns.append([html_])
        out = [column[0] if len(column) == 1 else "<section>\n" + "\n".join(column) + "\n</section>"
               for column in columns]
        return "\n".join(out), used
