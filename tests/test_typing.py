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


def test_the_estimators_shared_keywords_are_typed_as_the_base_declares_them():
    # LinearRegression and LogisticRegression take the hyperparameters they share as
    # **shared (declared once, by _LinearModel.__init__); _signatures.pyi writes them out as
    # the TypedDict that types **shared, so a type checker sees each name and its type.
    from descend.linear_model import _LinearModel

    stub = ast.parse((PACKAGE / "_signatures.pyi").read_text())
    typed = next(
        node
        for node in stub.body
        if isinstance(node, ast.ClassDef) and node.name == "_SharedParameters"
    )
    stub_fields = [
        (ast.unparse(node.target), ast.unparse(node.annotation))
        for node in typed.body
        if isinstance(node, ast.AnnAssign)
    ]
    run_time = [
        (p.name, p.annotation)
        for p in inspect.signature(_LinearModel.__init__).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert stub_fields == run_time


USER_CODE = """
import numpy as np
import descend

w = np.zeros(3)
adam = descend.optim.Adam([w], lr=1e-3, betas=(0.9, 0.99), maximize=True)
sgd = descend.optim.SGD([w], 0.1, 0.9)
lion = descend.optim.Lion([w], lr=1e-4, weight_decay=1.0, check_finite=True)
adam.step([np.ones(3)])
model = descend.LinearRegression("huber", epsilon=0.5, alpha=1e-3, max_iter=5, n_threads=None)
classifier = descend.LogisticRegression(optimizer="adam", learning_rate=0.1, batch_size=8)
annealed = descend.LinearRegression(schedule="cosine", batch_size=1)
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


def test_a_user_of_optimizers_and_estimators_passes_mypy_strict_and_a_wrong_keyword_fails(tmp_path):
    pytest.importorskip("mypy")
    checked = run_mypy(tmp_path, USER_CODE)
    assert checked.returncode == 0, checked.stdout
    wrong = run_mypy(
        tmp_path,
        USER_CODE
        + "descend.optim.Adam([w], lrr=0.1)\ndescend.optim.SGD([w], 0.1, 0.9, 0, 0, False, True)\n"
        + "descend.LogisticRegression(max_iterr=5)\ndescend.LinearRegression(max_iter='5')\n",
    )
    assert 'Unexpected keyword argument "lrr" for "Adam"' in wrong.stdout
    assert 'Too many positional arguments for "SGD"' in wrong.stdout
    assert 'Unexpected keyword argument "max_iterr" for "LogisticRegression"' in wrong.stdout
    assert 'Argument "max_iter" to "LinearRegression" has incompatible type "str"' in wrong.stdout
