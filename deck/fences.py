"""Fenced blocks and `{#id .class key=value}` attributes: the one parser of both.

A build reads the deck's fences once (`deck.slides.split_slides` hands each slide its own);
demo cells (`deck.cells`), highlighted code (`deck.code`) and slide attribute lines
(`deck.slides`) all use what it found.
"""
import re
import shlex

from deck.errors import DeckError

FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")


class Fence:
    """One fenced block: its first and last deck lines, language, id, classes, attributes and text."""

    def __init__(self, line, end, language, id, classes, attrs, text):
        self.line, self.end, self.language, self.id = line, end, language, id
        self.classes, self.attrs, self.text = classes, attrs, text

    @property
    def is_cell(self):
        return "demo" in self.classes


def parse_attrs(text, path, line, what):
    """`#id .a .b key="v w"` → (id, classes, attrs); `what` ("fence", "slide") names the thing in errors."""
    try:
        tokens = shlex.split(text)
    except ValueError as error:
        raise DeckError(path, line, f"bad {what} attributes: {error}") from None
    id, classes, attrs = None, [], {}
    for token in tokens:
        if token.startswith("#"):
            id = token[1:]
        elif token.startswith("."):
            classes.append(token[1:])
        elif "=" in token:
            key, value = token.split("=", 1)
            if key in attrs:
                raise DeckError(path, line, f"attribute {key!r} given twice")
            attrs[key] = value
        else:
            raise DeckError(path, line, f"bad {what} attribute {token!r}: use #id, .class or key=value")
    return id, classes, attrs


def parse_info(info, path, line):
    """`python {#id .demo key=value}` or `{.python hl="1-2"}` → (language, id, classes, attrs)."""
    language, _, rest = info.partition("{")
    language = language.strip() or None
    if rest and not rest.rstrip().endswith("}"):
        raise DeckError(path, line, "unclosed '{' in the fence's attributes")
    id, classes, attrs = parse_attrs(rest.rstrip()[:-1], path, line, "fence") if rest else (None, [], {})
    if language is None and classes and classes[0] not in ("demo", "hidden"):
        language = classes.pop(0)
    return language, id, classes, attrs


def find_fences(lines, path, first_line=1):
    """Every fenced block in lines (the first of which is deck line first_line); an unclosed fence is an error."""
    fences, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence = match.group("fence")
        line = first_line + i
        language, id, classes, attrs = parse_info(match.group("info"), path, line)
        closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), None)
        if end is None:
            raise DeckError(path, line, f"unclosed code fence {fence}")
        fences.append(Fence(line, first_line + end, language, id, classes, attrs, "\n".join(lines[i + 1:end])))
        i = end + 1
    return fences
