"""Every example of the user guide (docs/*.rst) runs and prints what the page says."""

import doctest
from pathlib import Path

import numpy as np
import pytest

import descend

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.rst") if "_build" not in p.parts)


def test_the_guide_pages_are_found():
    assert {"gradient.rst", "traps.rst", "choosing.rst"} <= {page.name for page in PAGES}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(DOCS)))
def test_page_examples_pass_as_doctests(page):
    if "descend.plot" in page.read_text():
        pytest.importorskip("matplotlib")
    result = doctest.testfile(
        str(page),
        module_relative=False,
        globs={"np": np, "descend": descend},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
