"""Where the wheel keeps descend's C++ headers and CMake package.

The wheel carries the same header-only C++17 library the Python module is built from, so a
C++ program or another extension module can use it without a separate install.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["get_cmake_dir", "get_include"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def get_include() -> str:
    """The directory to put on the include path for ``#include <descend/descend.hpp>``.

    Returns
    -------
    str
        ``<site-packages>/descend/include``.

    Examples
    --------
    >>> import os, descend
    >>> os.path.isfile(os.path.join(descend.get_include(), "descend", "descend.hpp"))
    True
    """
    return str(_PACKAGE_DIR / "include")


def get_cmake_dir() -> str:
    """The directory holding ``descendConfig.cmake``, for ``find_package(descend)``.

    Pass it as ``-Ddescend_DIR=...`` to CMake, then ``find_package(descend CONFIG REQUIRED)``
    and ``target_link_libraries(my_target PRIVATE descend::descend)``. Packages built with
    scikit-build-core find it on their own through descend's ``cmake.root`` entry point.

    Returns
    -------
    str
        ``<site-packages>/descend/share/cmake/descend``.

    Examples
    --------
    >>> import os, descend
    >>> os.path.isfile(os.path.join(descend.get_cmake_dir(), "descendConfig.cmake"))
    True
    """
    return str(_PACKAGE_DIR / "share" / "cmake" / "descend")
