"""Fragments and element attributes: what the seed did by repeating a slide, reveal.js does step by step.

- `+ item`: a list item that appears on its own step;
- `+> paragraph or # heading`: a block that appears as one step;
- `<!-- .element: class="fragment" -->`: reveal.js's own comment, applied as its Markdown plugin does
  (to the element just before it, or else to the element it is in).
"""
import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from deck.slides import parse_html_attrs

ITEM = re.compile(r"^(\s*)\+ (.*)$")
BLOCK = re.compile(r"^\+> ?(.*)$")
ELEMENT_COMMENT = re.compile(r"^<!--\s*\.(element|parent):\s*(.*?)\s*-->$")


FRAGMENT = '<!-- .parent: class="fragment" -->'  # always the enclosing block, even after **bold**


class FragmentPreprocessor(Preprocessor):
    """Our syntax becomes a comment like reveal.js's element comment, so one treeprocessor applies both."""

    def run(self, lines):
        out, i = [], 0
        while i < len(lines):
            line = lines[i]
            item, block = ITEM.match(line), BLOCK.match(line)
            if item:
                out.append(f"{item.group(1)}- {item.group(2)} {FRAGMENT}")
            elif block:
                text = block.group(1)
                while i + 1 < len(lines) and lines[i + 1].strip() and not text.startswith("#"):
                    i += 1  # the whole paragraph is one fragment: mark its last line
                    out.append(text)
                    text = lines[i]
                out.append(f"{text} {FRAGMENT}")
            else:
                out.append(line)
            i += 1
        return out


def add_attrs(el, attrs):
    for key, value in attrs.items():
        if key == "class" and el.get("class"):
            value = f"{el.get('class')} {value}"
        el.set(key, value)


class ElementCommentTreeprocessor(Treeprocessor):
    """Raw inline HTML is stashed, so the comments sit in text/tail as placeholders."""

    def _comment(self, text):
        for index, raw in self._placeholders(text):
            match = ELEMENT_COMMENT.match(self.md.htmlStash.rawHtmlBlocks[index].strip())
            if match:
                return raw, match.group(1) == "parent", parse_html_attrs(match.group(2))
        return None, None, None

    def _placeholders(self, text):
        for match in re.finditer("\x02wzxhzdk:(\\d+)\x03", text or ""):
            yield int(match.group(1)), match.group(0)

    def run(self, root):
        for parent in root.iter():
            raw, _, attrs = self._comment(parent.text)
            if raw:
                parent.text = parent.text.replace(raw, "").rstrip() or None
                add_attrs(parent, attrs)
            for child in list(parent):
                raw, to_parent, attrs = self._comment(child.tail)
                if raw:
                    before = child.tail.split(raw)[0]
                    child.tail = child.tail.replace(raw, "").rstrip() or None
                    add_attrs(parent if to_parent or before.strip() else child, attrs)


class FragmentsExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(FragmentPreprocessor(md), "deck_fragments", 27)
        md.treeprocessors.register(ElementCommentTreeprocessor(md), "deck_element_comments", 1)


def makeExtension(**kwargs):
    return FragmentsExtension(**kwargs)
