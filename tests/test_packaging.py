"""One version everywhere, and the C++ headers and CMake package inside the installed wheel."""

import re
from importlib import metadata
from pathlib import Path

import descend


def _header_version() -> str:
    text = (Path(descend.get_include()) / "descend" / "version.hpp").read_text()
    return re.search(r'^#define DESCEND_VERSION "([0-9.]+)"$', text, re.MULTILINE).group(1)


def test_version_is_the_header_macro_and_the_package_metadata():
    assert re.fullmatch(r"\d+\.\d+\.\d+", descend.__version__)
    assert descend.__version__ == _header_version()
    assert descend.__version__ == metadata.version("descend")


def test_cmake_package_version_is_the_header_macro():
    text = (Path(descend.get_cmake_dir()) / "descendConfigVersion.cmake").read_text()
    assert f'set(PACKAGE_VERSION "{descend.__version__}")' in text
    # header-only: no check of the pointer size, the package serves every architecture
    assert "CMAKE_SIZEOF_VOID_P" not in text


def test_get_include_holds_the_headers():
    include = Path(descend.get_include())
    assert include.is_absolute()
    for header in ["descend.hpp", "version.hpp", "solver.hpp", "optimizers/adam.hpp"]:
        assert (include / "descend" / header).is_file(), header
    # the umbrella header includes only headers that are installed beside it
    umbrella = (include / "descend" / "descend.hpp").read_text()
    for name in re.findall(r'#include "([^"]+)"', umbrella):
        assert (include / "descend" / name).is_file(), name


def test_get_cmake_dir_holds_the_package_pointing_at_get_include():
    cmake_dir = Path(descend.get_cmake_dir())
    for name in ["descendConfig.cmake", "descendConfigVersion.cmake", "descendTargets.cmake"]:
        assert (cmake_dir / name).is_file(), name
    targets = (cmake_dir / "descendTargets.cmake").read_text()
    assert "add_library(descend::descend INTERFACE IMPORTED)" in targets
    # _IMPORT_PREFIX is four levels above the cmake dir: site-packages
    assert 'INTERFACE_INCLUDE_DIRECTORIES "${_IMPORT_PREFIX}/descend/include"' in targets
    assert cmake_dir.parents[3] / "descend" / "include" == Path(descend.get_include())


def test_cmake_root_entry_point_leads_find_package_to_the_package():
    # scikit-build-core sets descend_ROOT to the directory of the entry point's module;
    # find_package(descend) then searches <root>/share/cmake/descend*/.
    (entry_point,) = metadata.entry_points(group="cmake.root", name="descend")
    root = Path(entry_point.load().__file__).parent
    assert (root / "share" / "cmake" / "descend" / "descendConfig.cmake").is_file()
    assert root / "share" / "cmake" / "descend" == Path(descend.get_cmake_dir())
