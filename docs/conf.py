"""Sphinx configuration of the descend docs.

Build (warnings are errors; the figures are drawn by ``descend demo --plot`` at the start):
    sphinx-build -W -b html docs docs/_build/html
    sphinx-build -W -b doctest docs docs/_build/doctest     # every example runs
"""

import re
from pathlib import Path

import descend

project = "descend"
author = "the descend developers"
copyright = "2026, the descend developers"
release = version = descend.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.ext.napoleon",
]
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
autodoc_typehints = "none"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
html_theme = "alabaster"
html_theme_options = {"description": "Fast first-order optimization for Python and C++"}
doctest_global_setup = """
import numpy as np
import descend
"""

FIGURES = Path(__file__).parent / "_figures"


def _draw_figures(app):
    """The figures of the user guide, drawn by the demo's own code, and the table of
    ``descend bench --quick``: for every html build, and for other builders (doctest) only
    when they are missing."""
    if app.builder.name != "html" and (FIGURES / "bench.txt").exists():
        return
    import matplotlib

    matplotlib.use("Agg")
    from descend.plot import demo_figures

    demo_figures(FIGURES)
    # descend bench --quick on the machine that builds the docs, for the benchmark page
    import contextlib
    import io

    from descend import _bench

    table = io.StringIO()
    with contextlib.redirect_stdout(table), contextlib.redirect_stderr(io.StringIO()):
        _bench.main(["--quick"])
    (FIGURES / "bench.txt").write_text(table.getvalue())


# Docstrings are written as plain text with Python names and a little math in it; two of its
# habits mean something else in reST, so they are escaped outside ``literals``, literal
# blocks, doctest blocks and directive lines (in field lists, after the field name):
# a name ending in "_" (coef_, torch's clip_grad_norm_) reads as a hyperlink reference, and
# |w| as a substitution.
_TRAILING_UNDERSCORE = re.compile(r"(\w)_(?=[\s,.;:)]|$)")
_FIELD = re.compile(r"^(\s*:[^:]+:)(.*)$")


def _escape_text(text):
    parts = text.split("``")
    parts[::2] = [
        _TRAILING_UNDERSCORE.sub(r"\1\\_", part).replace("|", r"\|") for part in parts[::2]
    ]
    return "``".join(parts)


def _escape_docstring(app, what, name, obj, options, lines):
    literal_indent = None  # indentation of the paragraph that opened a literal block
    in_doctest = False
    for i, line in enumerate(lines):
        text = line.lstrip()
        indent = len(line) - len(text)
        if in_doctest:
            in_doctest = bool(text)
            continue
        if literal_indent is not None:
            if not text or indent > literal_indent:
                continue
            literal_indent = None
        if text.startswith(">>>"):
            in_doctest = True
            continue
        if text.endswith("::"):
            literal_indent = indent
        if text.startswith(".."):
            continue
        field = _FIELD.match(line)
        if field:
            lines[i] = field.group(1) + _escape_text(field.group(2))
        else:
            lines[i] = _escape_text(line)


def setup(app):
    app.connect("builder-inited", _draw_figures)
    # after napoleon (priority 500) has turned numpy sections into directives
    app.connect("autodoc-process-docstring", _escape_docstring, priority=600)
