"""Writes python/descend/_core.pyi, the type stubs of the installed descend._core.

    pip install pybind11-stubgen && python scripts/generate_stubs.py

pybind11-stubgen reads the signatures from the module; this script drops the docstrings
(help() shows the module's own), names the types the signatures leave as C++ spellings, types
the public loss-and-gradient kernels, and formats the file with ruff. ``python -m
mypy.stubtest descend._core --allowlist scripts/stubtest_allowlist.txt`` (in .ci/run) checks
the result against the module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
from pathlib import Path

STUB = Path(__file__).resolve().parent.parent / "python" / "descend" / "_core.pyi"
HEADER = '''"""Type stubs of descend._core, written by scripts/generate_stubs.py (pybind11-stubgen,
docstrings dropped: help() shows the module's own); mypy.stubtest checks them in .ci/run."""
'''
# what pybind11-stubgen leaves unresolved, and the public kernels' argument types
REPLACEMENTS = {
    "run: ...,": "run: Minimizer,",
    "sums: collections.abc.Callable,": "sums: collections.abc.Callable[..., typing.Any],",
    "LinearWarmup | ...:": "LinearWarmup | ReduceOnPlateau:",
    "-> tuple:": "-> tuple[typing.Any, ...]:",
    "(self, other: typing.Any) -> typing.Any:": "(self, other: object) -> bool:",
    "-> dict:": "-> dict[str, typing.Any]:",
    ": tuple) -> None": ": tuple[typing.Any, ...]) -> None",
    "y: typing.Any, theta: typing.Any, grad: typing.Any, *, sample_weight: typing.Any = None, "
    "rows: typing.Any = None, fit_intercept: typing.Any = True,": "y: numpy.ndarray, theta: "
    "numpy.ndarray, grad: numpy.ndarray, *, sample_weight: numpy.ndarray | None = None, rows: "
    "numpy.ndarray | None = None, fit_intercept: bool = True,",
    "epsilon: typing.Any = 0.1, n_threads: typing.Any = None)": "epsilon: float = 0.1, "
    "n_threads: int | None = None)",
    "fit_intercept: bool = True, n_threads: typing.Any = None)": "fit_intercept: bool = True, "
    "n_threads: int | None = None)",
}


# after formatting: pybind11 sets __hash__ = None beside a generated __eq__ (the objects are
# mutable); a stub says so with an ignore, as typeshed does
AFTER = {
    "__hash__: typing.ClassVar[None] = None": (
        "__hash__: typing.ClassVar[None]  # type: ignore[assignment]"
    ),
}


class _DropDocstrings(ast.NodeTransformer):
    """Drops docstrings, and the private class attributes (the field tables' ``_fields`` and
    ``_state``, for descend's own code)."""

    def _drop(self, node: ast.FunctionDef | ast.ClassDef) -> ast.AST:
        self.generic_visit(node)
        node.body = [
            n for n in node.body if not _is_docstring(n) and not _is_private_attribute(n)
        ] or [ast.Expr(ast.Constant(...))]
        return node

    visit_FunctionDef = _drop
    visit_ClassDef = _drop


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_private_attribute(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id.startswith("_")
        and not node.target.id.startswith("__")
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "pybind11_stubgen", "descend._core", "-o", out], check=True
        )
        text = (Path(out) / "descend" / "_core.pyi").read_text()
    for old, new in REPLACEMENTS.items():
        text = text.replace(old, new)
    tree = _DropDocstrings().visit(ast.parse(text))
    tree.body = [
        n
        for n in tree.body
        if not _is_docstring(n)
        and not (isinstance(n, ast.AnnAssign) and ast.unparse(n.target) == "__all__")
    ]
    STUB.write_text(HEADER + "\n" + ast.unparse(tree) + "\n")
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", str(STUB)], check=True)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(STUB)], check=True)
    text = STUB.read_text()
    for old, new in AFTER.items():
        text = text.replace(old, new)
    STUB.write_text(text)


if __name__ == "__main__":
    main()
