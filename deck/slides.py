"""Slides: `---` starts a horizontal slide, `--` a vertical one; `Note:` starts speaker notes;
`{: #id .class key=value}` as a slide's first line or reveal.js's `<!-- .slide: ... -->` sets its attributes."""
import re

from deck.fences import find_fences, parse_attrs

SLIDE_COMMENT = re.compile(r"<!--\s*\.slide:\s*(.*?)\s*-->")
HTML_ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')
NOTE = re.compile(r"^Notes?:\s?(.*)$")


class Slide:
    """Its first deck line, body and notes (lists of lines), attributes, and the fences in it (deck.fences)."""

    def __init__(self, line, vertical):
        self.line, self.vertical = line, vertical
        self.body, self.notes, self.attrs, self.fences = [], [], {}, []


def slide_attrs(text, path, line):
    """`#id .a .b key="v"` → the `<section>`'s attributes."""
    id, classes, attrs = parse_attrs(text, path, line, "slide")
    classes = ([attrs.pop("class")] if "class" in attrs else []) + classes
    return {**({"id": id} if id else {}), **({"class": " ".join(classes)} if classes else {}), **attrs}


def parse_html_attrs(text):
    """reveal.js's comments hold HTML attributes: `class="fragment" data-x="1"`."""
    attrs = {}
    for key, value in HTML_ATTR.findall(text):
        attrs[key] = value
    return attrs


def split_slides(lines, first_line, path):
    """Split the deck body into Slides, never inside a code fence; the fences are read here, once."""
    starts = {fence.line - first_line: fence for fence in find_fences(lines, path, first_line)}
    fenced = {i for fence in starts.values() for i in range(fence.line - first_line, fence.end - first_line + 1)}
    slides = [Slide(first_line, False)]
    for offset, line in enumerate(lines):
        number = first_line + offset
        slide = slides[-1]
        code = offset in fenced
        if offset in starts:
            slide.fences.append(starts[offset])
        if not code and line.strip() in ("---", "--"):
            slides.append(Slide(number + 1, line.strip() == "--"))
            continue
        elif not code and not slide.notes and NOTE.match(line):
            slide.notes.append(NOTE.match(line).group(1) or "")
            continue
        if not code and not slide.notes:
            if not any(l.strip() for l in slide.body) and line.startswith("{:") and line.rstrip().endswith("}"):
                slide.attrs.update(slide_attrs(line.strip()[2:-1], path, number))
                slide.body.append("")  # keep line numbers of the body right
                continue
            for comment in SLIDE_COMMENT.findall(line):
                slide.attrs.update(parse_html_attrs(comment))
            line = SLIDE_COMMENT.sub("", line)
        (slide.notes if slide.notes else slide.body).append(line)
    return [s for s in slides if any(l.strip() for l in s.body) or s.notes or s.attrs]
