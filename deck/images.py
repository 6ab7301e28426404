"""Images: local files only. Each one is checked and collected so the build copies it into site/."""
import os
import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from deck.errors import DeckError

REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)


class ImageTreeprocessor(Treeprocessor):
    def _line(self, src):
        """The deck line that names src (the tree has no line numbers)."""
        for offset, line in enumerate(self.md.deck_source):
            if src in line:
                return self.md.deck_line + offset
        return self.md.deck_line

    def run(self, root):
        base = os.path.dirname(self.md.deck_path)
        for img in root.iter("img"):
            src = img.get("src", "")
            if REMOTE.match(src) and not src.startswith("data:"):
                raise DeckError(self.md.deck_path, self._line(src),
                                f"image {src!r} is on another host: the deck must work offline, copy it into slides/")
            if src.startswith("data:"):
                continue
            if os.path.normpath(src).startswith(".."):
                raise DeckError(self.md.deck_path, self._line(src), f"image {src!r} is outside the deck's folder")
            path = os.path.normpath(os.path.join(base, src))
            if not os.path.isfile(path):
                raise DeckError(self.md.deck_path, self._line(src), f"image {src!r} not found (looked for {path})")
            self.md.deck_images.add((path, os.path.normpath(src)))
            img.set("loading", "lazy")


class ImagesExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(ImageTreeprocessor(md), "deck_images", 2)


def makeExtension(**kwargs):
    return ImagesExtension(**kwargs)
