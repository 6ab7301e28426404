"""The deck's Markdown dialect, in the form "this source renders to this HTML" (docs/dialect.md)."""
import re

import pytest

from deck.render import Renderer
from deck.slides import split_slides


def render(source, results=()):
    renderer = Renderer("deck.md", list(results))
    html, _ = renderer.sections(split_slides(source.split("\n"), 1, "deck.md"))
    return html


def squash(html):
    return re.sub(r">\s+<", "><", html.strip())


def assert_renders(source, expected):
    assert squash(expected) in squash(render(source))


@pytest.mark.parametrize("source, expected", [
    ("# One\n---\n# Two", "<section><h1>One</h1></section><section><h1>Two</h1></section>"),
    ("# One\n--\n# Below",
     "<section><section><h1>One</h1></section><section><h1>Below</h1></section></section>"),
    ("# One\nNote:\nSay **this**.", '<section><h1>One</h1><aside class="notes"><p>Say <strong>this</strong>.</p></aside></section>'),
    ("{: #intro .big data-transition=\"fade\"}\n# Hi", '<section id="intro" class="big" data-transition="fade"><h1>Hi</h1></section>'),
    ('# Hi\n<!-- .slide: data-background-color="#123" -->', '<section data-background-color="#123"><h1>Hi</h1></section>'),
], ids=["horizontal", "vertical", "notes", "slide-attrs", "reveal-slide-comment"])
def test_slides_notes_and_attributes(source, expected):
    assert_renders(source, expected)


@pytest.mark.parametrize("source, expected", [
    ("+ one\n+ two", '<ul><li class="fragment">one</li><li class="fragment">two</li></ul>'),
    ("+> **Simultaneously!**", '<p class="fragment"><strong>Simultaneously!</strong></p>'),
    ("+> # Heading", '<h1 class="fragment">Heading</h1>'),
    ("+> line one\nline two", '<p class="fragment">line one\nline two</p>'),
    ('text <!-- .element: class="fragment fade-up" -->', '<p class="fragment fade-up">text</p>'),
    ('**bold** <!-- .element: class="x" --> tail', '<p><strong class="x">bold</strong>'),
    ("- plain\n- list", "<ul><li>plain</li><li>list</li></ul>"),
], ids=["list-items", "paragraph", "heading", "multi-line-paragraph", "reveal-element-comment",
        "element-comment-on-previous", "plain-list"])
def test_fragments(source, expected):
    assert_renders(source, expected)


@pytest.mark.parametrize("source, expected", [
    ("Euler: $e^{i\\pi} = -1$", '<p>Euler: <span class="math inline">e^{i\\pi} = -1</span></p>'),
    ("$$\\frac{\\pi}{2}$$", '<div class="math display">\\frac{\\pi}{2}</div>'),
    ("$$\na < b\n$$", '<div class="math display">a &lt; b</div>'),
    ("costs \\$5 and \\$10", "<p>costs $5 and $10</p>"),
    ("`$x$` in code", "<p><code>$x$</code> in code</p>"),
    ("```\n$x$\n```", '<code>$x$\n</code>'),
], ids=["inline", "display", "display-multiline-escaped", "escaped-dollar", "not-in-inline-code", "not-in-fence"])
def test_math(source, expected):
    assert_renders(source, expected)


def test_code_is_highlighted_at_build_time_with_line_highlights():
    html = render('```python {hl="2"}\nx = 1\ny = 2\n```')
    assert '<div class="highlight">' in html and '<span class="hll"><span class="n">y</span>' in html


def test_a_demo_cell_renders_as_a_figure_and_a_hidden_cell_not_at_all():
    html = render('```python {#setup .demo .hidden}\nSECRET = 1\n```\n'
                  '```python {#count .demo group=g browser=true}\nprint(1)\n```')
    assert squash('<figure class="demo-cell" id="cell-count" data-cell="count" data-language="python" '
                  'data-group="g" data-browser="true" data-native="false">') in squash(html)
    assert "SECRET" not in html


def test_tables():
    assert_renders("| a | b |\n|---|---|\n| 1 | 2 |", "<table><thead><tr><th>a</th><th>b</th></tr></thead>"
                   "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>")


def test_results_directives_without_results_say_how_to_record():
    html = render("[[benchmarked-on]]\n\n[[results-comparison]]")
    assert html.count("make record") == 2
    assert "0.632690191269" not in html and "0.633 s" in html and "quoted from the original talk (early 2018)" in html


def test_results_directives_show_recorded_machines_and_ratios():
    machine = {"name": "m", "cpu_model": "Test CPU", "cores": 2, "memory_gb": 4.0, "os": "Debian", "kernel": "6.1"}
    interp = {"name": "cpython-2.7.18"}
    result = lambda cell, s: {"cell": cell, "interpreter": interp, "summary": {"median_cell_s": s}}
    files = [{"machine": machine, "recorded_at": "2026-11-25T00:00:00Z", "file": "m.json",
              "results": [result("countdown-sequential", 0.2), result("countdown-threads", 0.3)]}]
    html = render("[[benchmarked-on]]\n\n[[results-comparison]]", files)
    assert "Test CPU" in html and "cpython-2.7.18" in html and "1.50×" in html and "make record" not in html
