"""Where things are in the project: decided here once, from this file's place in the tree.

Nothing here (or anywhere in the project) points outside the repository.
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLIDES = os.path.join(ROOT, "slides")
DECK = os.path.join(SLIDES, "gil.md")
TEMPLATE_DIR = SLIDES
ASSETS = os.path.join(SLIDES, "assets")
SITE = os.path.join(ROOT, "site")
RESULTS = os.path.join(ROOT, "results")
CACHE = os.path.join(ROOT, ".cache")
NODE_MODULES = os.path.join(ROOT, "node_modules")
WRAPPER = os.path.join(ROOT, "demos", "wrapper.py")
