"""The installed package is typed: py.typed beside the modules, and stubs for the compiled
module (checked against it by ``python -m mypy.stubtest descend._core`` in .ci/run)."""

import ast
from pathlib import Path

import descend
from descend import _core

PACKAGE = Path(descend.__file__).parent


def stub_names() -> set[str]:
    """The names the stubs of the compiled module declare at their top level."""
    names = set()
    for node in ast.parse((PACKAGE / "_core.pyi").read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_the_wheel_carries_py_typed_and_the_stubs_of_the_compiled_module():
    assert (PACKAGE / "py.typed").is_file()
    assert {"squared_error_loss_and_gradient", "Adam", "ReduceOnPlateau"} <= stub_names()


def test_the_stubs_name_every_public_name_of_the_compiled_module():
    missing = [name for name in dir(_core) if not name.startswith("_") and name not in stub_names()]
    assert missing == []
