"""Writes python/descend/_core.pyi, the type stubs of the installed descend._core, and
python/descend/_signatures.pyi, the constructors of descend.optim for type checkers.

    pip install pybind11-stubgen && python scripts/generate_stubs.py

pybind11-stubgen reads the signatures from the module; this script drops the docstrings
(help() shows the module's own), names the types the signatures leave as C++ spellings, types
the public loss-and-gradient kernels, moves what families of classes share into private
bases, and formats the file with ruff. ``python -m mypy.stubtest descend._core --allowlist
scripts/stubtest_allowlist.txt`` (in .ci/run) checks the result against the module.

descend.optim makes each optimizer's constructor at run time from its rule's field table, which
a type checker cannot see: _signatures.pyi writes those signatures out, as bases that
descend.optim names for type checkers only; tests/test_typing.py checks that they are the
run-time ones.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "python" / "descend"
STUB = PACKAGE / "_core.pyi"
SIGNATURES = PACKAGE / "_signatures.pyi"
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


# Shared bases, so that the stub states once what a family of classes has in common: a base
# takes every member that all classes with its marker member declare alike, and becomes their
# base (a later base derives from an earlier one its classes already have). The bases are
# private names that exist in the stub only (mypy.stubtest checks the members where the
# classes have them at run time).
BASES = [
    ("_FieldClass", "__eq__"),  # made from a field table: the update rules and the schedules
    ("_Rule", "state_names"),  # the update rules
    ("_Schedule", "__call__"),  # the schedules
    ("_Landscape", "value_and_grad"),  # the test functions
]


def _member_name(node: ast.stmt) -> str | None:
    """The name a class statement declares (a method, property or annotated attribute)."""
    if isinstance(node, ast.FunctionDef):
        return node.name
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return None


def _members(cls: ast.ClassDef) -> dict[str, list[str]]:
    """The class's statements as text, by the name they declare (a property's getter and
    setter together)."""
    members: dict[str, list[str]] = {}
    for node in cls.body:
        name = _member_name(node)
        if name is not None:
            members.setdefault(name, []).append(ast.dump(node))
    return members


class _UnionsAsBase(ast.NodeTransformer):
    """Replaces a union of exactly the classes `names` by their base `base`."""

    def __init__(self, names: set[str], base: str) -> None:
        self.names, self.base = names, base

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        members: list[ast.expr] = []
        stack: list[ast.expr] = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, ast.BinOp) and isinstance(item.op, ast.BitOr):
                stack += [item.left, item.right]
            else:
                members.append(item)
        if {ast.unparse(m) for m in members} == self.names and len(members) == len(self.names):
            return ast.Name(self.base)
        return self.generic_visit(node)


def _name_unions(module: ast.Module, names: set[str], base: str) -> None:
    """Annotations that list every class of a family (the schedules a wrapper takes) name
    their base instead."""
    _UnionsAsBase(names, base).visit(module)


def _share_bases(module: ast.Module) -> None:
    """Moves what the classes of each entry of BASES declare alike into that base. First, so
    that it reads alike: ``__getstate__``'s tuple of one Any per field becomes tuple[Any, ...],
    and a method that returns its own class (``__copy__``) returns Self."""
    classes = [n for n in module.body if isinstance(n, ast.ClassDef)]
    for cls in classes:
        for node in cls.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            if node.name == "__getstate__":
                node.returns = ast.parse("tuple[typing.Any, ...]", mode="eval").body
            elif isinstance(node.returns, ast.Name) and node.returns.id == cls.name:
                node.returns = ast.parse("typing_extensions.Self", mode="eval").body
    module.body.insert(0, ast.Import([ast.alias("typing_extensions")]))
    for base_name, marker in BASES:
        family = [c for c in classes if marker in _members(c)]
        parents = {tuple(ast.unparse(b) for b in c.bases) for c in family}
        assert len(parents) == 1, f"{base_name}: classes with different bases {parents}"
        first = _members(family[0])
        common = {
            name
            for name, nodes in first.items()
            if name != "__init__" and all(_members(c).get(name) == nodes for c in family)
        }
        base = ast.parse(f"class {base_name}({', '.join(parents.pop())}): ...").body[0]
        assert isinstance(base, ast.ClassDef)
        base.body = [n for n in family[0].body if _member_name(n) in common]
        module.body.insert(module.body.index(family[0]), base)
        _name_unions(module, {c.name for c in family}, base_name)
        for cls in family:
            cls.body = [n for n in cls.body if _member_name(n) not in common] or [
                ast.Expr(ast.Constant(...))
            ]
            cls.bases = [ast.Name(base_name)]


def optimizer_signatures() -> str:
    """_signatures.pyi: per optimizer class X of descend.optim, a class _X with its run-time
    constructor's signature; and _SharedParameters, the keyword arguments the estimators of
    descend.linear_model share (their ``**shared``), from _LinearModel.__init__."""
    import inspect

    from descend import optim
    from descend.linear_model import _LinearModel

    text = (
        '"""The constructors of descend.optim, which it makes at run time from the update\n'
        "rules' field tables, and the keyword arguments the estimators share, for type\n"
        "checkers; written by scripts/generate_stubs.py, checked against the run-time\n"
        'signatures by tests/test_typing.py."""\n\n'
        "from collections.abc import Callable, Iterable\n"
        "from typing import Any, Literal, TypedDict\n\n"
        "import numpy as np\n\nfrom .optim import Optimizer\nfrom .schedules import Schedule\n"
    )
    for cls in optim.Optimizer.__subclasses__():
        parameters = ["self"]
        for parameter in inspect.signature(cls).parameters.values():
            if parameter.kind is parameter.KEYWORD_ONLY and "*" not in parameters:
                parameters.append("*")
            parameters.append(f"{parameter.name}: {parameter.annotation} = {parameter.default!r}")
        text += (
            f"\nclass _{cls.__name__}(Optimizer):\n"
            f"    def __init__({', '.join(parameters)}) -> None: ...\n"
        )
    shared = inspect.signature(_LinearModel.__init__).parameters.values()
    text += "\nclass _SharedParameters(TypedDict, total=False):\n" + "".join(
        f"    {p.name}: {p.annotation}\n" for p in shared if p.kind is p.KEYWORD_ONLY
    )
    return text


def _format(path: Path) -> None:
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", str(path)], check=True)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(path)], check=True)


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
    _share_bases(tree)
    STUB.write_text(HEADER + "\n" + ast.unparse(tree) + "\n")
    _format(STUB)
    text = STUB.read_text()
    for old, new in AFTER.items():
        text = text.replace(old, new)
    STUB.write_text(text)
    SIGNATURES.write_text(optimizer_signatures())
    _format(SIGNATURES)


if __name__ == "__main__":
    main()
