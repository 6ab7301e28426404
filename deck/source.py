"""The deck lines a Markdown conversion works on, and where they are in the deck.

The renderer points one Source at each slide's body or notes before converting it; the
extensions it is configured into read the slide's fences from it and report mistakes at
deck lines through it (Python-Markdown itself knows no line numbers).
"""
from deck.errors import DeckError


class Source:
    def __init__(self, path="deck.md"):
        self.path = path
        self.at([], 1)

    def at(self, lines, first_line, fences=()):
        """Now converting lines, the first of which is deck line first_line, holding these fences."""
        self.lines, self.first_line, self.fences = lines, first_line, list(fences)

    def error(self, index, message):
        """A DeckError at lines[index]."""
        return DeckError(self.path, self.first_line + index, message)

    def error_at(self, text, message):
        """A DeckError at the first line that holds text: trees and inline patterns have no line numbers."""
        index = next((i for i, line in enumerate(self.lines) if text in line), 0)
        return self.error(index, message)


def stash_lines(md, lines, start, end, html):
    """lines[start..end] become one block of stashed HTML, in as many list items as before, so that the
    preprocessors after this one still find deck lines at the same indices."""
    lines[start:end + 1] = ["\n" + md.htmlStash.store(html) + "\n"] + [""] * (end - start)
