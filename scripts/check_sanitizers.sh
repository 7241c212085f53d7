#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer over both sides of descend:
#   1. the C++ tests of the header library, built with -fsanitize=address,undefined, run by ctest;
#   2. the extension descend._core built the same way, and the Python suite (all of it but the
#      files listed below) run against it, the ASan runtime preloaded into the (uninstrumented)
#      interpreter, leak detection off (CPython keeps memory until exit on purpose).
# Any report fails the run: UBSan halts on the first error, ASan always does.
# Usage: scripts/check_sanitizers.sh   (from anywhere; needs g++ with the sanitizer runtimes,
# cmake >= 3.18, and a python3 >= 3.10 with descend's test extra installed, as .ci/run's venv
# has: PYTHON=... picks the interpreter; the instrumented package goes into a directory of its
# own put first on PYTHONPATH, so that interpreter's own packages stay as they are)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jobs="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
export CMAKE_BUILD_PARALLEL_LEVEL="$jobs"
python="${PYTHON:-python3}"
cxx="${CXX:-g++}"
# -O0: the instrumentation is the same as at -O1 (every load and store checked), and GCC builds
# instrumented code about twice as fast (register_optimizers.cpp: 32 s at -O0, 61 s at -O1,
# 2026-12-01); the instrumented tests' run time is small beside the build's. -g0: reports name
# functions from the symbol table, which is enough to find the line. Frame pointers give the
# stacks.
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
flags="-O0 -g0 $sanitize"
# allocator_may_return_null: a request too large for memory returns NULL, as malloc does, so
# that CPython raises MemoryError (the pickle fuzz of test_properties_untrusted.py can ask for
# tens of GB) instead of ASan aborting the run.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }

step "C++ tests with $sanitize"
cmake -S "$root" -B "$work/cpp" -DCMAKE_CXX_COMPILER="$cxx" -DDESCEND_BUILD_TESTS=ON \
      -DDESCEND_INSTALL=OFF -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=$flags" \
      > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
# Only the programs ctest runs (descend_add_test's test_*, the examples, the README's): not the
# header self-containedness objects (check_cpp.sh compiles those; they run nothing) nor the
# consumer projects (packaging, not memory). The target list is Make's or Ninja's "help".
programs="$(cmake --build "$work/cpp" --target help \
            | sed -nE 's/^(\.\.\. )?((test|example)_[A-Za-z0-9_]+|readme_example)(: phony)?$/\2/p')"
# shellcheck disable=SC2086
cmake --build "$work/cpp" -j "$jobs" --target $programs > "$work/build.log" \
  || { cat "$work/build.log"; exit 1; }
ctest --test-dir "$work/cpp" --output-on-failure -j "$jobs" -E '^consume_'

step "the extension with $sanitize"
# Build type None: no -O3 from the Release defaults, just the flags above; no LTO (pybind11
# would add it), which only slows the link.
"$python" -m pip install -q --no-deps --target "$work/site" "$root" \
    -Ccmake.build-type=None "-Ccmake.define.CMAKE_CXX_FLAGS=$flags" \
    -Ccmake.define.CMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF \
    "-Ccmake.define.CMAKE_SHARED_LINKER_FLAGS=$sanitize" -Cbuild-dir="$work/build-py"

step "the Python suite against the instrumented extension"
asan_runtime="$("$cxx" -print-file-name=libasan.so)"
[ -e "$asan_runtime" ] || { echo "no ASan runtime at $asan_runtime"; exit 1; }
# libstdc++ is preloaded after it: the interpreter does not link libstdc++, so ASan's
# __cxa_throw interceptor finds no real __cxa_throw at start-up and aborts (a CHECK failure)
# at the first C++ exception of any extension: matplotlib's ft2font, or descend._core refusing
# an argument.
cxx_runtime="$("$cxx" -print-file-name=libstdc++.so)"
# Reports go to files (log_path): pytest captures stderr during a test, and a process that
# aborts there loses the report; the files are printed if pytest fails.
export ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$work/asan" UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$work/ubsan"
export PYTHONPATH="$work/site${PYTHONPATH:+:$PYTHONPATH}" LD_PRELOAD="$asan_runtime $cxx_runtime"
# From the work directory, so that `import descend` cannot find the source tree; and make sure
# it is the instrumented build that is imported.
(cd "$work" && "$python" -c '
import io, sys, descend
flags = descend.show_config(io.StringIO())["compile_flags"]
sys.exit(None if "-fsanitize=address" in flags else f"descend imported from {descend.__file__} is not instrumented: {flags}")')
# The suite without these files, each of which calls no binding, or only bindings that the
# other files call too (and would mostly measure how slow instrumented code is):
#   test_dask.py      Dask clusters in worker processes (seconds each, and ASan in every
#                     worker); its two tests that call the distributed bindings
#                     (fit_linear_remote, fit_linear_from_sums) directly, without a cluster, run;
#   test_cli.py       the command line runs the estimators' fits in subprocesses: the estimator
#                     tests call the same bindings;
#   test_bench.py     timings of the same kernels;
#   test_plot.py      matplotlib figures of fits the estimator and minimize tests make;
#   test_docs.py      the guide's doctests: the same calls as the API tests;
#   test_packaging.py, test_typing.py   install layout and stubs, no computation;
#   test_table.py     reading CSV and pandas tables, pure Python.
skipped=(dask cli bench plot docs packaging typing table)
selected=()
for file in "$root"/tests/test_*.py; do
  name="$(basename "$file" .py)"
  [[ " ${skipped[*]} " == *" ${name#test_} "* ]] || selected+=("$file")
done
selected+=("$root/tests/test_dask.py::test_remote_loop_asks_each_epochs_rows_as_documented"
           "$root/tests/test_dask.py::test_solver_refuses_sums_computed_at_another_theta")
status=0
(cd "$work" && "$python" -m pytest -q -p no:cacheprovider "${selected[@]}") || status=$?
if [ "$status" -ne 0 ]; then
  echo "check_sanitizers.sh: pytest exited with status $status"
  cat "$work"/asan.* "$work"/ubsan.* 2>/dev/null || echo "(no sanitizer report file)"
  exit 1
fi

echo "check_sanitizers.sh: clean in $((SECONDS - started)) s"
