"""The book's edge, on top of the physics, in five parts that import one way (each from those before it):

- :mod:`cocoonlib.book.params`: every parameter declared once, and the one adapter to the physics;
- :mod:`cocoonlib.book.chapters`: the chapters, their key numbers, the scorecard and its verdicts;
- :mod:`cocoonlib.book.explore`: the Explore page (the only Bokeh importer);
- :mod:`cocoonlib.book.report`: figures, citation, provenance, the prose's numbers;
- :mod:`cocoonlib.book.cli`: the ``cocoon`` command, running chapters and scans.
"""
