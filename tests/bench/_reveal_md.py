"""reveal-md 6.1.4 (an npm dev dependency, installed without its Puppeteer download): the anchor the build and
first-slide benchmarks compare with, on the same slides/gil.md."""
import os
import subprocess

from demos.paths import DECK, NODE_MODULES, ROOT

REVEAL_MD = os.path.join(NODE_MODULES, ".bin", "reveal-md")


def build_static(out):
    """`reveal-md slides/gil.md --static OUT`, as its README says to publish a deck."""
    if not os.path.exists(REVEAL_MD):
        raise SystemExit(f"{REVEAL_MD} is missing: run `npm ci` (or `make install`)")
    subprocess.run([REVEAL_MD, os.path.relpath(DECK, ROOT), "--static", out], cwd=ROOT, check=True,
                   capture_output=True)
