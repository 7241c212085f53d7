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
warnings=(-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror)
strict=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${warnings[*]}")
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }

step "C++ tests (descend $version)"
cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DDESCEND_BUILD_TESTS=ON > "$work/configure.log" \
  || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j "$jobs" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
ctest --test-dir "$work/build" --output-on-failure -j "$jobs"

# Every public header in one translation unit, included with plain -I as a user without CMake
# would, under the strict warnings: with each compiler present, with and without -fopenmp-simd
# (with it, `#pragma omp simd` is live only when DESCEND_OPENMP_SIMD says so; see simd.hpp).
(cd "$root/cpp/include" && find descend -name '*.hpp' | sort | sed 's/.*/#include <&>/') > "$work/all_headers.cpp"
for compiler in g++ clang++; do
  if ! command -v "$compiler" > /dev/null; then
    step "$compiler: not installed, its warning checks skipped"
    continue
  fi
  step "$compiler: every header with plain -I and ${warnings[*]}"
  for simd in "" "-fopenmp-simd" "-fopenmp-simd -DDESCEND_OPENMP_SIMD"; do
    # shellcheck disable=SC2086
    "$compiler" -std=c++17 "${warnings[@]}" $simd -I"$root/cpp/include" -fsyntax-only "$work/all_headers.cpp"
  done
done
# The tests instantiate the templates; ctest built them with the configured compiler (GCC
# here): clang's -Wconversion is stricter (it includes -Wsign-conversion), so check them too.
if command -v clang++ > /dev/null; then
  step "clang++: the C++ tests, syntax only, with ${warnings[*]}"
  for test in "$root"/cpp/tests/test_*.cpp; do
    clang++ -std=c++17 "${warnings[@]}" -I"$root/cpp/include" -I"$root/cpp/tests" \
            -DDESCEND_CMAKE_PACKAGE_VERSION="\"$version\"" -fsyntax-only "$test"
  done
fi

step "install into a temporary prefix"
cmake --install "$work/build" --prefix "$work/prefix" > /dev/null
(cd "$work/prefix" && find . -type f | sort)

for example_dir in "$root"/cpp/examples/*/; do
  example="$(basename "$example_dir")"
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
