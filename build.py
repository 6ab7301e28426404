#!/usr/bin/env python3
"""Build the talk: slides/gil.md → site/ (see deck/build.py and docs/dialect.md)."""
import sys

from deck.build import main

if __name__ == "__main__":
    sys.exit(main())
