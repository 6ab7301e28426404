"""Images: local files only. Each one is checked and collected so the build copies it into site/."""
import os
import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from deck.source import Source

REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)


class ImageTreeprocessor(Treeprocessor):
    def __init__(self, md, source, used):
        super().__init__(md)
        self.source, self.used = source, used

    def run(self, root):
        source = self.source
        base = os.path.dirname(source.path)
        for img in root.iter("img"):
            src = img.get("src", "")
            if REMOTE.match(src) and not src.startswith("data:"):
                raise source.error_at(src, f"image {src!r} is on another host: the deck must work offline, "
                                           "copy it into slides/")
            if src.startswith("data:"):
                continue
            if os.path.normpath(src).startswith(".."):
                raise source.error_at(src, f"image {src!r} is outside the deck's folder")
            path = os.path.normpath(os.path.join(base, src))
            if not os.path.isfile(path):
                raise source.error_at(src, f"image {src!r} not found (looked for {path})")
            self.used.add((path, os.path.normpath(src)))
            img.set("loading", "lazy")


class ImagesExtension(Extension):
    """After a conversion, `used` holds (file, path in site/) of every local image it showed."""

    def __init__(self, **kwargs):
        self.config = {"source": [Source(), "the deck lines being converted (deck.source)"]}
        super().__init__(**kwargs)
        self.used = set()

    def extendMarkdown(self, md):
        md.registerExtension(self)  # so that md.reset() resets us
        md.treeprocessors.register(ImageTreeprocessor(md, self.getConfig("source"), self.used), "deck_images", 2)

    def reset(self):
        self.used.clear()


def makeExtension(**kwargs):
    return ImagesExtension(**kwargs)
