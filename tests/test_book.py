r"""The built book, as a reader sees it.

One clean build of the whole book (``jupyter-book build``, every notebook executed from scratch) per test
session, then:

* its key numbers equal those of the committed notebooks, an earlier clean execution (two builds, the same
  numbers);
* every page opened in headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by
  selenium; skipped with the reason when they are absent, ``.ci/run`` installs them) shows its figures as
  decoded, non-empty images, its glued numbers, the scorecard's verdicts, and no error output or traceback.
  A full-page screenshot of each is kept in ``$COCOON_SCREENSHOTS`` (default: the build directory).
* the browser has no network: every host name resolves to nothing (``--host-resolver-rules``) and every
  request goes to a closed local port (``--proxy-server``), as for a downloaded or archived copy of
  ``_build/html``. With MathJax served from the build, no page shows raw TeX (``\(``, ``\[``, ``$$``) in its
  visible text, sidebar included (MathJax is loaded on every page, since the sidebar has math), and the
  MathJax the page loads is the build's own file;
* at 1280 px no table is wider than the text column (nor scrolls sideways inside it);
* every page's footer shows the version of ``CITATION.cff`` and the commit the book was built from, and the
  page *How to cite* gives both in its BibTeX;
* every figure has a caption (expected to fail for the chapters until their figures get captions).

``COCOON_BOOK_OUTPUT`` keeps the build in that directory (CI keeps it as an artefact).
"""
from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cocoonlib import citation, paths, scorecard
from cocoonlib.chapters import CHAPTERS
from cocoonlib.results import extract

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def _toc_pages() -> list[str]:
    """Every page of the book, from _toc.yml (the root, then each part's chapters)."""
    import yaml

    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text())
    return [toc["root"], *(c["file"] for part in toc["parts"] for c in part["chapters"])]


PAGES = _toc_pages()

#: Switch to True once the chapter notebooks give every figure a caption (issue 19): then the caption check
#: below is expected to pass on every page, chapters included.
CHAPTER_FIGURES_HAVE_CAPTIONS = True


@pytest.fixture(scope="session")
def book(tmp_path_factory):
    """(html directory, executed-notebook directory, build seconds) of one clean build."""
    out = Path(os.environ.get("COCOON_BOOK_OUTPUT") or tmp_path_factory.mktemp("book"))
    shutil.rmtree(out / "_build", ignore_errors=True)
    jb = Path(sys.executable).parent / "jupyter-book"
    t = time.perf_counter()
    run = subprocess.run([str(jb), "build", str(paths.ROOT), "--path-output", str(out)], capture_output=True, text=True)
    seconds = time.perf_counter() - t
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    warnings = [line for line in (run.stdout + run.stderr).splitlines() if "WARNING" in line and "Kernel is running" not in line]
    assert not warnings, "\n".join(warnings)
    return out / "_build" / "html", out / "_build" / "jupyter_execute", seconds


def test_two_clean_builds_give_the_same_key_numbers(book):
    _, executed, _ = book
    for name, ch in CHAPTERS.items():
        fresh, committed = extract(executed / "notebooks" / ch.notebook), extract(ch.path)
        assert fresh.keys() == committed.keys()
        for k in committed:
            assert math.isclose(fresh[k], committed[k], rel_tol=1e-12, abs_tol=0.0), (name, k, fresh[k], committed[k])


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (requirements.txt)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # no network, as for an archived copy of the book: no name resolves, every request that
                 # still goes out is sent to a closed port on this machine
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                 "--window-size=1280,1000", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    from selenium.webdriver.chrome.service import Service

    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def _screenshot(driver, path: Path):
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height), 800), 16000))
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)


def _open(browser, html: Path, page: str) -> None:
    """Load a page (selenium returns once it has loaded, deferred scripts included) and wait until MathJax, if
    it loaded, has typeset the page."""
    browser.get((html / f"{page}.html").as_uri())
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const mj = window.MathJax;"
        "if (mj && mj.startup && mj.startup.promise) { mj.startup.promise.then(() => done(true), () => done(false)); }"
        "else { done(false); }")


RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$")


@pytest.mark.parametrize("page", PAGES)
def test_page_in_a_real_browser(book, browser, page):
    html, executed, _ = book
    _open(browser, html, page)
    main = browser.find_element("css selector", "main")
    text = main.text
    shots = Path(os.environ.get("COCOON_SCREENSHOTS") or html.parent / "screenshots")
    _screenshot(browser, shots / f"{page.replace('/', '__')}.png")

    # no error output, no traceback, no unresolved glue
    assert "Traceback (most recent call last)" not in text
    errors = browser.find_elements("css selector", ".output.error, .output.traceback, .system-message")
    assert not errors, [e.text[:200] for e in errors]

    # every image decoded and non-empty
    images = browser.execute_script(
        "return [...document.querySelectorAll('main img')].map(i => [i.src, i.complete, i.naturalWidth, i.naturalHeight])")
    assert all(ok and w > 0 and h > 0 for _, ok, w, h in images), [i for i in images if not (i[1] and i[2] and i[3])]

    chapter = next((c for c in CHAPTERS.values() if page.endswith(c.notebook.removesuffix(".ipynb"))), None)
    if chapter is not None:
        assert len(images) >= 1, f"{page}: no figure"
        values = extract(executed / "notebooks" / chapter.notebook)
        for k, v in values.items():  # the key-number table as the reader sees it
            assert f"{v:.6g}" in text, f"{page}: key number {k} = {v:.6g} not shown"
        pasted = browser.find_elements("css selector", "main .pasted-text")
        assert pasted and all(p.text.strip() for p in pasted), f"{page}: glued text missing"
    if page == "book/intro":
        shown = [e.text for e in browser.find_elements("css selector", "main table .pasted-text")]
        verdicts = [e.text for e in browser.find_elements("css selector", "main table strong .pasted-text")]
        assert set(verdicts) <= set(scorecard.VERDICTS), verdicts
        assert len(verdicts) == len(scorecard.CLAIMS), verdicts
        assert len(shown) == len(scorecard.CLAIMS) * len(scorecard.FIELDS)


@pytest.mark.parametrize("page", PAGES)
def test_math_renders_offline(book, browser, page):
    """No raw TeX in the visible text (sidebar included) with the network off; MathJax is the build's own."""
    html, _, _ = book
    _open(browser, html, page)
    visible = browser.execute_script("return document.body.innerText")
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(visible)})
    assert not raw, f"{page}: raw TeX {raw} in the page, e.g. ...{visible[max(0, RAW_TEX.search(visible).start() - 60):][:120]!r}"
    scripts = browser.execute_script("return [...document.scripts].map(s => s.src).filter(s => /mathjax/i.test(s))")
    assert all(src.startswith((html / "_static" / "mathjax").as_uri()) for src in scripts), scripts
    n_math = browser.execute_script("return document.querySelectorAll('.math').length")
    if n_math:
        assert browser.execute_script("return document.querySelectorAll('mjx-container').length") >= n_math, \
            f"{page}: MathJax typeset fewer formulas than the page has"


@pytest.mark.parametrize("page", PAGES)
def test_no_table_is_wider_than_the_page(book, browser, page):
    """At 1280 px every table fits the text column: no clipped or sideways-scrolling column."""
    html, _, _ = book
    _open(browser, html, page)
    browser.set_window_size(1280, 1000)
    too_wide = browser.execute_script("""
        const art = document.querySelector('article.bd-article');
        const right = art.getBoundingClientRect().right;
        return [...art.querySelectorAll('table')].flatMap((t, i) => {
          const box = t.getBoundingClientRect();
          const wrap = t.parentElement;
          const scrolls = wrap.scrollWidth > wrap.clientWidth + 1 && getComputedStyle(wrap).overflowX !== 'visible';
          return (box.right > right + 1 || scrolls)
            ? [[i, Math.round(box.width), Math.round(art.clientWidth), t.innerText.slice(0, 60)]] : [];
        });""")
    assert not too_wide, f"{page}: tables wider than the page (index, width, column width, start): {too_wide}"


def test_footer_and_citation_page_show_version_and_commit(book, browser):
    html, _, _ = book
    from cocoonlib.provenance import book_commit

    # the sha alone: whether the work tree counts as changed may differ between the build and now
    version, sha = citation.book_version(), book_commit().removesuffix("+changes")
    for page in PAGES:
        browser.get((html / f"{page}.html").as_uri())
        footer = browser.find_element("css selector", ".extra_footer").text
        assert f"version {version}" in footer and sha[:12] in footer, (page, footer)
    browser.get((html / "book/how_to_cite.html").as_uri())
    text = browser.find_element("css selector", "article").text
    assert f"version = {{{version}}}" in text and f"note = {{commit {sha}" in text
    assert "Ambrosone2025" in text and "AmbrosoneICRC2025" in text


def _caption_marks(page: str):
    chapter = page.startswith("notebooks/")
    if chapter and not CHAPTER_FIGURES_HAVE_CAPTIONS:
        return [pytest.mark.xfail(reason="chapter figures get captions after the notebook rewrite", strict=False)]
    return []


@pytest.mark.parametrize("page", [pytest.param(p, marks=_caption_marks(p)) for p in PAGES])
def test_every_figure_has_a_caption(book, browser, page):
    html, _, _ = book
    browser.get((html / f"{page}.html").as_uri())
    uncaptioned = browser.execute_script("""
        return [...document.querySelectorAll('article.bd-article img')].filter(img => {
          const fig = img.closest('figure');
          const cap = fig && fig.querySelector('figcaption');
          return !(cap && cap.innerText.trim());
        }).map(img => img.src.split('/').pop());""")
    assert not uncaptioned, f"{page}: figures without a caption: {uncaptioned}"
