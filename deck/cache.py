"""Build outputs kept on disk under the sha256 of what made them (.cache/<kind>/), so that a build, even in a
fresh process, pays only for what changed since an earlier one: KaTeX's math, Pygments' highlighting."""
import hashlib
import json
import os

from demos.paths import CACHE


class Cache:
    def __init__(self, kind, root=CACHE):
        self.folder = os.path.join(root, kind)

    def path(self, *made_of):
        """Where the output made of these (JSON-able) inputs is kept: name them all, versions included."""
        key = hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()
        return os.path.join(self.folder, key + ".html")

    def get(self, path):
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def put(self, path, text):
        """Written whole or not at all: builds may run side by side."""
        os.makedirs(self.folder, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
