"""`python -m deck.pdf SITE OUT.pdf`: the built deck as a PDF, one page per slide, fragments shown,
recorded results included (reveal.js's print view, printed by headless Chromium)."""
import argparse
import os
import sys

from deck.browser import CHROMIUM_ARGS, chromium_path, static_server


def export(site, out):
    from playwright.sync_api import sync_playwright

    if not os.path.isfile(os.path.join(site, "index.html")):
        raise RuntimeError(f"{site}/index.html not found: build the site first (python build.py)")
    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    with static_server(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + "index.html?print-pdf")
        # the demos plugin has drawn the recorded results, and reveal has laid out the print view
        page.wait_for_function("window.Reveal && Reveal.isReady() && document.documentElement.dataset.demos")
        page.wait_for_function("document.querySelectorAll('.pdf-page').length > 0")
        slides = page.evaluate("Reveal.getTotalSlides()")
        page.pdf(path=out, prefer_css_page_size=True, print_background=True)
        browser.close()
    return slides


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m deck.pdf", description=__doc__.splitlines()[0])
    parser.add_argument("site", help="the built site (python build.py)")
    parser.add_argument("out", help="the PDF to write")
    args = parser.parse_args(argv)
    try:
        slides = export(args.site, args.out)
    except Exception as error:  # one clear line, whatever went wrong in the browser
        print(f"python -m deck.pdf: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {slides} slides")
    return 0


if __name__ == "__main__":
    sys.exit(main())
