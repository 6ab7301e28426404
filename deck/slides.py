"""Slides: `---` starts a horizontal slide, `--` a vertical one; `Note:` starts speaker notes;
`{: #id .class key=value}` as a slide's first line or reveal.js's `<!-- .slide: ... -->` sets its attributes."""
import re
import shlex

from deck.cells import iter_fences
from deck.errors import DeckError

SLIDE_COMMENT = re.compile(r"<!--\s*\.slide:\s*(.*?)\s*-->")
HTML_ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
NOTE = re.compile(r"^Notes?:\s?(.*)$")


class Slide:
    def __init__(self, line, vertical):
        self.line, self.vertical = line, vertical
        self.body, self.notes, self.attrs = [], [], {}


def parse_brace_attrs(text, path, line):
    """`#id .a .b key="v"` → attribute dict (the attr_list syntax, for a whole slide)."""
    attrs = {}
    try:
        tokens = shlex.split(text)
    except ValueError as error:
        raise DeckError(path, line, f"bad slide attributes: {error}") from None
    for token in tokens:
        if token.startswith("#"):
            attrs["id"] = token[1:]
        elif token.startswith("."):
            attrs["class"] = (attrs.get("class", "") + " " + token[1:]).strip()
        elif "=" in token:
            key, value = token.split("=", 1)
            attrs[key] = value
        else:
            raise DeckError(path, line, f"bad slide attribute {token!r}")
    return attrs


def parse_html_attrs(text):
    attrs = {}
    for key, value in HTML_ATTR.findall(text):
        attrs[key] = value
    return attrs


def split_slides(lines, first_line, path):
    """Split the deck body into Slides, never inside a code fence."""
    fenced = set()
    for start, end, _ in iter_fences(lines, path, first_line):
        fenced.update(range(start, end + 1))
    slides = [Slide(first_line, False)]
    for offset, line in enumerate(lines):
        number = first_line + offset
        slide = slides[-1]
        code = offset in fenced
        if not code and line.strip() in ("---", "--"):
            slides.append(Slide(number + 1, line.strip() == "--"))
            continue
        elif not code and not slide.notes and NOTE.match(line):
            slide.notes.append(NOTE.match(line).group(1) or "")
            continue
        if not code and not slide.notes:
            if not any(l.strip() for l in slide.body) and line.startswith("{:") and line.rstrip().endswith("}"):
                slide.attrs.update(parse_brace_attrs(line.strip()[2:-1], path, number))
                slide.body.append("")  # keep line numbers of the body right
                continue
            for comment in SLIDE_COMMENT.findall(line):
                slide.attrs.update(parse_html_attrs(comment))
            line = SLIDE_COMMENT.sub("", line)
        (slide.notes if slide.notes else slide.body).append(line)
    return [s for s in slides if any(l.strip() for l in s.body) or s.notes or s.attrs]
