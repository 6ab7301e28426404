"""TeX → HTML at build time with the KaTeX from node_modules, so the page needs only KaTeX's CSS and fonts.

One Node process (deck/katex.js) serves a build, started on the first formula that is not in the
cache; every formula's HTML is kept in .cache/katex/ under the sha256 of (KaTeX version, options,
TeX), so a rebuild pays nothing for math that did not change.
"""
import json
import os
import subprocess

from deck.cache import Cache
from deck.errors import BuildError
from demos.paths import NODE_MODULES

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "katex.js")
# throwOnError: a TeX mistake stops the build at its line; strict: what LaTeX itself rejects, too
OPTIONS = {"throwOnError": True, "strict": "error"}


class TexError(ValueError):
    """KaTeX rejected a formula; the message is KaTeX's."""


class Katex:
    def __init__(self, cache=None):
        self.cache, self.process, self._version = cache or Cache("katex"), None, None

    @property
    def version(self):
        if self._version is None:
            try:
                with open(os.path.join(NODE_MODULES, "katex", "package.json")) as f:
                    self._version = json.load(f)["version"]
            except OSError:
                raise BuildError(f"{NODE_MODULES}/katex is missing: run `npm ci` (or `make install`)") from None
        return self._version

    def render(self, tex, display):
        """HTML of one formula, from the cache or from KaTeX; raises TexError."""
        options = dict(OPTIONS, displayMode=display)
        path = self.cache.path(self.version, options, tex)
        html = self.cache.get(path)
        if html is None:
            answer = self._ask({"tex": tex, "options": options})
            if "error" in answer:
                raise TexError(answer["error"])
            html = answer["html"]
            self.cache.put(path, html)
        return html

    def _ask(self, request):
        if self.process is None:
            try:
                self.process = subprocess.Popen(["node", SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                text=True, encoding="utf-8")
            except FileNotFoundError:
                raise BuildError("node is not installed: math is rendered at build by KaTeX through Node") from None
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            self.close()
            raise BuildError(f"KaTeX (node {SCRIPT}) stopped: see its message above")
        return json.loads(line)

    def close(self):
        """End the Node process, if one was started (the next formula not cached starts another)."""
        if self.process is not None:
            self.process.stdin.close()
            self.process.stdout.close()
            self.process.wait()
            self.process = None
