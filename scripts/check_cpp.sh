#!/usr/bin/env bash
# The C++ side, as a C++ user gets it: build the tests of the header library (no Python, no
# pybind11) and run them with ctest; install the headers and the CMake package into a
# temporary prefix; build the examples and a consumer against that prefix with
# find_package(descend) and run them.
# Usage: scripts/check_cpp.sh   (from anywhere; needs cmake >= 3.18 and a C++17 compiler)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jobs="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
version="$(sed -n 's/^#define DESCEND_VERSION "\([0-9.]*\)"/\1/p' "$root/cpp/include/descend/version.hpp")"
strict=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Wpedantic -Werror")
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }

step "C++ tests (descend $version)"
cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DDESCEND_BUILD_TESTS=ON > "$work/configure.log" \
  || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j "$jobs" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
ctest --test-dir "$work/build" --output-on-failure -j "$jobs"

step "install into a temporary prefix"
cmake --install "$work/build" --prefix "$work/prefix" > /dev/null
(cd "$work/prefix" && find . -type f | sort)

for example in linear_regression user_objective; do
  step "example $example, built with find_package(descend) against the prefix"
  cmake -S "$root/cpp/examples/$example" -B "$work/$example" "${strict[@]}" \
        -DCMAKE_PREFIX_PATH="$work/prefix" > /dev/null
  cmake --build "$work/$example" -j "$jobs" > /dev/null
  "$work/$example/$example"
done

step "consumer: find_package(descend) gives version $version"
cmake -S "$root/cpp/tests/consumer" -B "$work/consumer" "${strict[@]}" \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DDESCEND_EXPECTED_VERSION="$version" | grep "found descend"
cmake --build "$work/consumer" > /dev/null
"$work/consumer/descend_consumer"

echo "check_cpp.sh: all passed in $((SECONDS - started)) s"
