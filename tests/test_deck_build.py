"""Building the real deck, and every kind of mistake reported as `file:LINE: message` with the last site kept."""
import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

DESIGN_CELLS = ["countdown-sequential", "countdown-threads", "countdown-processes", "native-sequential",
                "native-threads", "native-threads-holding-gil", "io-threads", "convoy", "switch-interval",
                "uninterruptible", "refcount-race", "refcount-atomic", "getrefcount", "cpp-threads", "thread-class"]
# what makes a browser load something: src=, <link href=>, CSS url() and @import, fetch/import() (links do not)
REMOTE = re.compile(r"""\bsrc\s*=\s*["']?(?:https?:)?//|<link[^>]*\bhref\s*=\s*["']?(?:https?:)?//"""
                    r"""|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:url\()?["']?(?:https?:)?//"""
                    r"""|fetch\(\s*["'](?:https?:)?//|import\s*\(\s*["'](?:https?:)?//""")


def build(*args, cwd=ROOT):
    return subprocess.run([sys.executable, os.path.join(ROOT, "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "site"
    done = build("--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def words(text):
    return re.sub(r"[^a-z0-9+]+", " ", text.lower()).strip()


def test_every_section_of_the_talk_is_there_in_order(site):
    # the original talk's section titles, in order (kept here: a clone has nothing beside it)
    with open(os.path.join(ROOT, "tests", "talk_sections.txt")) as f:
        titles = [words(line) for line in f if line.strip()]
    html = (site / "index.html").read_text()
    headings = [words(re.sub("<[^>]+>", "", h)) for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html)]
    position = 0
    for title in titles:
        found = next((i for i in range(position, len(headings)) if headings[i] == title), None)
        if found is None:  # a title the source repeats may already have been matched
            found = next((i for i in range(len(headings)) if headings[i] == title), None)
            assert found is not None, f"section {title!r} of the talk is missing"
        else:
            position = found


def test_every_design_cell_is_in_the_manifest(site):
    cells = {cell["id"]: cell for cell in json.loads((site / "cells.json").read_text())["cells"]}
    for cell_id in DESIGN_CELLS:
        cell = cells[cell_id]
        assert set(cell) >= {"id", "language", "source", "sha256", "timeout", "repeat", "params", "interpreters",
                             "native", "setup", "line", "needs", "record", "baseline", "compare", "browser"}
    assert "TOTAL_WORK // 2" in cells["countdown-threads"]["source"]  # not the seed's float TOTAL_WORK/2


def test_every_section_has_speaker_notes(site):
    html = (site / "index.html").read_text()
    assert html.count('<aside class="notes">') >= 40


def test_nothing_loads_from_another_host(site):
    generated = ["index.html", "cells.js", "live.js", "pygments.css"] + [
        os.path.join("results", name) for name in os.listdir(site / "results")]
    ours = [os.path.join("assets", name) for name in os.listdir(site / "assets")]
    vendored_css = ["vendor/reveal/reveal.css", "vendor/reveal/theme/white.css", "vendor/katex/katex.min.css"]
    for name in generated + ours + vendored_css:
        text = (site / name).read_text(errors="replace")
        assert not REMOTE.search(text), f"{name} loads from another host: {REMOTE.search(text).group(0)}"
    # links out (references) are fine: they load nothing
    assert 'href="http://www.dabeaz.com/GIL/"' in (site / "index.html").read_text()


def test_the_page_has_math_as_html_and_no_script_before_the_first_slide(site):
    html = (site / "index.html").read_text()
    assert '<div class="math display"><span class="katex-display">' in html
    scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html)
    assert scripts and all(re.search(r"\sdefer\b", tag) for tag in scripts)
    assert "katex.min.js" not in html and not any("results/" in tag for tag in scripts)  # loaded later, if at all
    assert "katex.min.css" in html


def test_fences_are_read_once_per_build(tmp_path, monkeypatch):
    import deck.fences
    from deck.build import Builder

    seen, parse_info = [], deck.fences.parse_info
    monkeypatch.setattr(deck.fences, "parse_info", lambda info, path, line: seen.append(line) or parse_info(info, path, line))
    Builder(os.path.join(ROOT, "slides", "gil.md"), str(tmp_path / "site")).build()
    assert seen and len(seen) == len(set(seen))  # every fence's info line parsed, none twice


def test_images_are_copied_and_local(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    (tmp_path / "deck.md").write_text("# Pic\n\n![a dot](img/dot.svg)\n")
    done = build("--deck", str(tmp_path / "deck.md"), "--out", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "img" / "dot.svg").exists()
    assert 'src="img/dot.svg"' in (tmp_path / "site" / "index.html").read_text()


CELL = "```python {#ok .demo}\nprint(1)\n```\n"
MISTAKES = [
    ("# A\n\n```python\nx = 1\n", 3, "unclosed code fence"),
    ("# A\n```python {#Bad_Id .demo}\nx\n```\n", 2, "a demo cell needs an id"),
    (CELL + "---\n" + CELL, 5, "duplicate cell id ok (first on line 1)"),
    ("```python {#a .demo colour=red}\nx\n```\n", 1, "unknown attribute 'colour'"),
    ('```python {#a .demo param-N="complex 1 0..2"}\nx\n```\n', 1, "unknown type 'complex'"),
    ('```python {#a .demo param-N="int 5 10..20"}\nx\n```\n', 1, "default 5 is outside 10..20"),
    ("```python {#a .demo include=b}\nx\n```\n", 1, "include=b names no cell"),
    (CELL + "```python {#a .demo include=ok}\nx\n```\n", 4, "include=ok is not a .hidden cell"),
    ("# A\n\n![x](img/missing.png)\n", 3, "image 'img/missing.png' not found"),
    ("# A\n\n![x](https://example.com/x.png)\n", 3, "is on another host"),
    ("---\ntitle: T\ncolour: red\n---\n# A\n", 3, "unknown key 'colour'"),
    ("---\ntitle T\n---\n# A\n", 2, "expected 'key: value'"),
    ("---\ntheme: sky\n---\n# A\n", 2, "unknown reveal.js theme 'sky'"),
    ("# A\n\n$$\nx\n", 3, "unclosed $$"),
    ("```python {#a .demo needs=gpu}\nx\n```\n", 1, "needs=gpu is not one of threads, processes, native, cpp"),
    ("```python {#a .demo browser=true needs=threads}\nx\n```\n", 1, "browser=true but it needs threads"),
    ("```python {#a .demo browser=maybe}\nx\n```\n", 1, "browser= must be one of false, true, only"),
    ("```python {#a .demo packages=sympy}\nx\n```\n", 1, "packages= are installed only in the browser"),
    ("```python {#a .demo record=twice}\nx\n```\n", 1, "record= is default, all or a selector"),
    ("```python {#a .demo baseline=b}\nx\n```\n", 1, "baseline=b names no other demo cell"),
    ('```python {#a .demo compare-old-new="2.7"}\nx\n```\n', 1, "compare-old-new= wants two or more selectors"),
    ('```python {#a .demo compare-x="2.7 | cpython>>3"}\nx\n```\n', 1, "compare-x=: bad interpreter selector"),
    (CELL + "\n# R\n\n[[results-comparison]]\n", 7, "[[results-comparison]] compares cells with a baseline="),
    ("# A\n\n$$\\frac{1}{$$\n", 3, "KaTeX parse error: Unexpected end of input"),
    ("# A\n\nSo $x = \\fracc{1}{2}$,\nsee.\n", 3, "KaTeX parse error: Undefined control sequence: \\fracc"),
    ("# A\n```\ncode\n```\n\nThen\n\n$$\n\\sqrt{x\n$$\n---\n# B\n", 8, "KaTeX parse error"),
    ("# A\n\nNote:\nsay $\\badmacro$\n", 4, "Undefined control sequence: \\badmacro"),
]


@pytest.mark.parametrize("source, line, message", MISTAKES, ids=[
    "unclosed-fence", "bad-cell-id", "duplicate-cell-id", "unknown-attribute", "unknown-param-type",
    "default-outside-range", "include-missing", "include-not-hidden", "missing-image", "remote-image",
    "front-matter-unknown-key", "front-matter-no-colon", "front-matter-theme", "unclosed-display-math",
    "unknown-need", "browser-but-needs-threads", "browser-value", "packages-not-in-browser", "record-value",
    "baseline-missing", "compare-one-selector", "compare-bad-selector", "comparison-without-baselines",
    "tex-error-display", "tex-error-inline", "tex-error-after-a-fence", "tex-error-in-notes"])
def test_a_mistake_names_file_and_line_exits_2_and_keeps_the_last_site(tmp_path, source, line, message):
    deck, out = tmp_path / "deck.md", tmp_path / "site"
    deck.write_text("# Good\n")
    assert build("--deck", str(deck), "--out", str(out)).returncode == 0
    before = (out / "index.html").read_text(), os.stat(out / "index.html").st_ino
    deck.write_text(source)
    done = build("--deck", str(deck), "--out", str(out))
    assert done.returncode == 2
    first = done.stderr.strip().splitlines()[0]
    assert first.startswith(f"{deck}:{line}: ") and message in first, done.stderr
    assert ((out / "index.html").read_text(), os.stat(out / "index.html").st_ino) == before
    assert [p for p in os.listdir(tmp_path) if p.startswith(".site-")] == []  # no half-built folder left


@pytest.mark.parametrize("directive, message", [
    ("[[demo: nope]]", "[[demo: nope]] names no demo cell"),
    ("[[demo: a compare=gil]]", "the cell declares no compare-gil="),
], ids=["unknown-cell", "undeclared-option"])
def test_a_cell_shown_again_must_exist_with_its_option(tmp_path, directive, message):
    deck = tmp_path / "deck.md"
    deck.write_text(f"# A\n\n```python {{#a .demo}}\nx = 1\n```\n\n---\n\n# B\n\n{directive}\n")
    done = build("--deck", str(deck), "--out", str(tmp_path / "site"))
    assert done.returncode == 2 and done.stderr.startswith(f"{deck}:11: ") and message in done.stderr, done.stderr


def test_a_cell_shown_again_is_a_figure_of_that_cell_with_its_option(tmp_path):
    deck = tmp_path / "deck.md"
    deck.write_text('# A\n\n```python {#a .demo compare-x="2.7 | 3"}\nx = 1\n```\n\n---\n\n# B\n\n[[demo: a compare=x]]\n')
    assert build("--deck", str(deck), "--out", str(tmp_path / "site")).returncode == 0
    html = (tmp_path / "site" / "index.html").read_text()
    assert '<figure class="demo-cell demo-again" id="cell-a-again-x" data-cell="a" data-compare="x"></figure>' in html
