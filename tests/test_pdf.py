"""`make pdf`: one page per slide, with the text of the slides and the recorded results."""
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def test_pdf_has_one_page_per_slide_and_the_slides_text(tmp_path):
    site, pdf = tmp_path / "site", tmp_path / "talk.pdf"
    subprocess.run([sys.executable, "build.py", "--out", str(site)], cwd=ROOT, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-m", "deck.pdf", str(site), str(pdf)], cwd=ROOT, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    slides = int(re.search(r"(\d+) slides", done.stdout).group(1))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == slides
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for phrase in ("TALK ABOUT GIL", "GLOBAL INTERPRETER LOCK", "REFERENCE COUNTING WITH THREADS", "THANK YOU",
                   "Should have been 0", "0.9114282608",
                   "recorded on"):  # the demo slides' recorded results (results/), which the page loads late
        assert phrase.lower() in text.lower(), phrase
    assert "▶ Run" not in text and "Live runs need the server" not in text  # the controls stay on screen
    assert "holds" in text and "cell " in text  # verdicts and recorded results are printed
    pages = text.split("\f")
    assert all(page.strip() for page in pages[:slides]), "a blank page"


def test_pdf_reports_a_missing_site_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "deck.pdf", str(tmp_path / "nowhere"), str(tmp_path / "x.pdf")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
