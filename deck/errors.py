class DeckError(Exception):
    """A mistake in the deck, reported as `path:LINE: message` (the way compilers and Jinja2 do)."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class BuildError(Exception):
    """Something outside the deck is missing or broken (node_modules, Node): not the author's mistake."""
