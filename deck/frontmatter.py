"""Front matter: `key: value` lines between `---` lines at the very top of the deck."""
from deck.errors import DeckError

KEYS = {"title", "author", "theme", "transition"}
# beige, sky and solarized import web fonts from another host, so they are not offered.
THEMES = {"black", "white", "league", "night", "serif", "simple", "moon", "dracula",
          "blood", "black-contrast", "white-contrast"}


def split_front_matter(lines, path):
    """(meta, index of the first body line)."""
    meta = {"title": "Untitled", "author": "", "theme": "white", "transition": "slide"}
    if not lines or lines[0].strip() != "---":
        return meta, 0
    for i in range(1, len(lines)):
        line = lines[i].strip()
        if line == "---":
            return meta, i + 1
        if not line:
            continue
        key, sep, value = line.partition(":")
        key, value = key.strip(), value.strip().strip('"').strip("'")
        if not sep or not key:
            raise DeckError(path, i + 1, f"front matter: expected 'key: value', got {line!r}")
        if key not in KEYS:
            raise DeckError(path, i + 1, f"front matter: unknown key {key!r} (known: {', '.join(sorted(KEYS))})")
        if key == "theme" and value not in THEMES:
            raise DeckError(path, i + 1, f"front matter: unknown reveal.js theme {value!r}")
        meta[key] = value
    raise DeckError(path, 1, "front matter: no closing '---'")
