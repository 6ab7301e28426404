"""The build: the deck's Markdown dialect (one Python-Markdown extension per feature) → a reveal.js site."""
