"""The installed package is typed: py.typed beside the modules, and stubs for the compiled
module (checked against it by ``python -m mypy.stubtest descend._core`` in .ci/run)."""

from pathlib import Path

import descend
from descend import _core

PACKAGE = Path(descend.__file__).parent


def test_the_wheel_carries_py_typed_and_the_stubs_of_the_compiled_module():
    assert (PACKAGE / "py.typed").is_file()
    stub = (PACKAGE / "_core.pyi").read_text()
    for name in ("def squared_error_loss_and_gradient", "class Adam:", "class ReduceOnPlateau:"):
        assert name in stub


def test_the_stubs_name_every_public_name_of_the_compiled_module():
    stub = (PACKAGE / "_core.pyi").read_text()
    missing = [
        name
        for name in dir(_core)
        if not name.startswith("_")
        and f"def {name}(" not in stub
        and f"class {name}:" not in stub
        and f"{name}: " not in stub
    ]
    assert missing == []
