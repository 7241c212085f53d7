"""The installed package is typed: py.typed beside the modules, and stubs for the compiled
module (checked against it by ``python -m mypy.stubtest descend._core`` in .ci/run)."""

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import descend
from descend import _core
from descend.optim import Optimizer

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


@pytest.mark.parametrize("cls", Optimizer.__subclasses__(), ids=lambda cls: cls.__name__)
def test_the_optimizers_typed_constructors_are_the_ones_made_from_the_rule_tables(cls):
    # descend.optim makes each constructor at run time from its rule's C++ field table;
    # _signatures.pyi writes it out for type checkers: the same names, kinds, defaults and
    # annotations.
    stub = ast.parse((PACKAGE / "_signatures.pyi").read_text())
    typed = next(
        node
        for node in stub.body
        if isinstance(node, ast.ClassDef) and node.name == f"_{cls.__name__}"
    )
    assert [ast.unparse(base) for base in typed.bases] == ["Optimizer"]
    (init,) = typed.body
    assert isinstance(init, ast.FunctionDef) and init.name == "__init__"
    args = init.args
    stub_parameters = [
        (a.arg, kind, ast.unparse(a.annotation), ast.literal_eval(default))
        for kind, names, defaults in [
            (inspect.Parameter.POSITIONAL_OR_KEYWORD, args.args[1:], args.defaults),
            (inspect.Parameter.KEYWORD_ONLY, args.kwonlyargs, args.kw_defaults),
        ]
        for a, default in zip(names, defaults, strict=True)
    ]
    run_time = [
        (p.name, p.kind, p.annotation, p.default)
        for p in inspect.signature(cls).parameters.values()
    ]
    assert stub_parameters == run_time


USER_CODE = """
import numpy as np
import descend

w = np.zeros(3)
adam = descend.optim.Adam([w], lr=1e-3, betas=(0.9, 0.99), maximize=True)
sgd = descend.optim.SGD([w], 0.1, 0.9)
lion = descend.optim.Lion([w], lr=1e-4, weight_decay=1.0, check_finite=True)
adam.step([np.ones(3)])
"""


def run_mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    user = tmp_path / "user.py"
    user.write_text(code)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(user)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


def test_a_user_of_the_optimizers_passes_mypy_strict_and_a_wrong_keyword_does_not(tmp_path):
    pytest.importorskip("mypy")
    checked = run_mypy(tmp_path, USER_CODE)
    assert checked.returncode == 0, checked.stdout
    wrong = run_mypy(
        tmp_path,
        USER_CODE
        + "descend.optim.Adam([w], lrr=0.1)\ndescend.optim.SGD([w], 0.1, 0.9, 0, 0, False, True)\n",
    )
    assert 'Unexpected keyword argument "lrr" for "Adam"' in wrong.stdout
    assert 'Too many positional arguments for "SGD"' in wrong.stdout
