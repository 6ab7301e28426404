"""Render the deck: slides → reveal.js `<section>`s, each slide's Markdown through our extensions."""
import html

import markdown

from deck import claims, code, fragments, images, mathematics, results

EXTENSIONS = ["tables", "attr_list", "md_in_html", "sane_lists"]


class Renderer:
    """One Markdown instance for a deck, reset per slide; unchanged slides come from a cache (for --watch)."""

    def __init__(self, path, recorded, deck_claims=(), deck_charts=()):
        self.md = markdown.Markdown(extensions=EXTENSIONS + [
            code.makeExtension(), mathematics.makeExtension(), fragments.makeExtension(),
            images.makeExtension(), results.makeExtension(),
            claims.makeExtension(claims=list(deck_claims), charts=list(deck_charts),
                                 results=results.for_browser(recorded)["results"])])
        self.md.deck_path, self.md.deck_results = path, recorded
        self.cache = {}

    def markdown(self, lines, first_line):
        """HTML of some Markdown lines, and the local images it uses."""
        key = "\n".join(lines)
        if key not in self.cache:
            md = self.md
            md.reset()
            md.deck_line, md.deck_source, md.deck_images = first_line, lines, set()
            self.cache[key] = (md.convert(key), frozenset(md.deck_images))
        return self.cache[key]

    def slide(self, slide):
        body, used = self.markdown(slide.body, slide.line)
        notes_html = ""
        if slide.notes:
            notes, more = self.markdown(slide.notes, slide.line + len(slide.body))
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
