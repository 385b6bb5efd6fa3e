"""The book's own Sphinx extension: version and commit in every page's footer, the citation page, the
book's stylesheet.

Loaded through ``sphinx.local_extensions`` in ``_config.yml``. At ``config-inited`` it reads
``CITATION.cff`` and the git commit of the sources (:mod:`cocoonlib.book.report.citation`,
:func:`cocoonlib.book.report.provenance.book_commit`) and

* puts "Built from cocoon-book version V, commit C" into the footer of every page
  (``html_theme_options["extra_footer"]`` of sphinx-book-theme);
* defines the MyST substitutions ``book_version``, ``book_commit`` and ``book_commit_short``;
* adds ``book/_static/cocoon.css`` (tables that wrap instead of spilling over the page);
* loads MathJax on every page (the sidebar's titles have math), and points ``mathjax_path`` at the SVG build of the MathJax files that the extension
  ``sphinx-mathjax-offline`` copies into ``_static/mathjax`` (it selects the CHTML build, whose web fonts
  a browser may refuse to load from a ``file://`` page; SVG output needs no fonts).

Directives, for the page *How to cite*:

``{cocoon-bibtex} compendium``
    the compendium's BibTeX entry at this version and commit;
``{cocoon-bibtex} <bibkey>``
    an entry of ``book/references.bib`` as it is written there;
``{cocoon-citation-text}``
    the compendium's citation as text.

and, for the page *Explore*, ``{cocoon-explore}``: its controls, live figures and numbers, one block of HTML with
BokehJS and the page's data inline (:func:`cocoonlib.book.explore.page.page_html`). The page depends on every source
of cocoonlib and every file of ``data/`` (:func:`cocoonlib.book.explore.page.cache_inputs`): an edit of any of them
makes Sphinx read it again.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives

from cocoonlib.book.explore import page as explore_page
from cocoonlib.book.report import citation
from cocoonlib.book.report.provenance import book_commit

STATIC = Path(__file__).resolve().parents[1] / "_static"
#: MathJax 3 component served from the build (relative to _static), see the module docstring
MATHJAX_PATH = "mathjax/tex-svg.js"


def _build_identity() -> tuple[dict, str]:
    return citation.read_cff(), book_commit()


class BibtexDirective(Directive):
    required_arguments = 1
    has_content = False

    def run(self):
        cff, commit = _build_identity()
        key = self.arguments[0]
        text = citation.compendium_bibtex(cff, commit) if key == "compendium" else citation.bib_entry(key)
        block = nodes.literal_block(text, text)
        block["language"] = "bibtex"
        return [block]


class CitationTextDirective(Directive):
    has_content = False
    option_spec = {"class": directives.class_option}

    def run(self):
        cff, commit = _build_identity()
        para = nodes.paragraph(classes=["cocoon-citation"])
        para += nodes.Text(citation.compendium_text(cff, commit))
        return [para]


class ExploreDirective(Directive):
    has_content = False

    def run(self):
        env = self.state.document.settings.env
        for path in explore_page.dependencies():
            env.note_dependency(str(path))
        return [nodes.raw("", explore_page.page_html(), format="html")]


def _config_inited(app, config):
    cff, commit = _build_identity()
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = citation.footer_html(cff, commit)
    config.html_theme_options = options
    subs = dict(getattr(config, "myst_substitutions", None) or {})
    subs.update(book_version=citation.book_version(cff), book_commit=commit, book_commit_short=commit[:12])
    config.myst_substitutions = subs
    config.mathjax_path = MATHJAX_PATH
    if str(STATIC) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app):
    # MathJax on every page, not only on those with equations of their own: the sidebar's chapter titles
    # have math (e.g. "the cut-off rigidity $R_0$")
    app.set_html_assets_policy("always")
    app.connect("config-inited", _config_inited)
    app.add_css_file("cocoon.css")
    app.add_directive("cocoon-bibtex", BibtexDirective)
    app.add_directive("cocoon-citation-text", CitationTextDirective)
    app.add_directive("cocoon-explore", ExploreDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
