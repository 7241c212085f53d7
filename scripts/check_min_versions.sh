#!/usr/bin/env bash
# The oldest versions descend claims to support, tested: Python 3.10 (requires-python) with
# NumPy 1.23.5 (numpy>=1.23), in a venv of its own, running the whole suite. The test extras
# are held to the oldest releases that work with that NumPy (constraints below), so a test
# that passes only with newer libraries fails here.
# Usage: scripts/check_min_versions.sh [build|test]   (from anywhere; PYTHON_MIN=... picks the
# interpreter, by default python3.10 from PATH or pyenv)
#   no argument: build the venv, then run the suite in it, in a temporary directory;
#   build / test: only that half, in the directory MIN_VERSIONS_WORK (kept), so that .ci/run
#   can build in the background, on the core its single-threaded steps leave idle, and run
#   the suite at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
phase="${1:-all}"
case "$phase" in
  all) work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT ;;
  build | test) work="${MIN_VERSIONS_WORK:?MIN_VERSIONS_WORK: expected the directory to $phase in}" ;;
  *) echo "check_min_versions.sh: expected no argument, 'build' or 'test', got '$phase'"; exit 2 ;;
esac
started=$SECONDS
step() { echo "== [$((SECONDS - started)) s] $*"; }
suite() {
  step "the whole suite"
  (cd "$work" && "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests")
}

if [ "$phase" = test ]; then
  suite
  echo "check_min_versions.sh: the suite passed in $((SECONDS - started)) s"
  exit 0
fi

# The first python3.10 that runs: pyenv's installs, then PATH (where a pyenv shim may exist
# that runs nothing unless 3.10 is the selected version, hence the check that it runs).
python="${PYTHON_MIN:-}"
if [ -z "$python" ]; then
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10.*/bin/python3.10 \
                   "$(command -v python3.10 || true)"; do
    if [ -z "$python" ] && [ -x "$candidate" ] && "$candidate" --version > /dev/null 2>&1; then
      python="$candidate"
    fi
  done
fi
[ -n "$python" ] || { echo "check_min_versions.sh: no python3.10 found (set PYTHON_MIN)"; exit 1; }

# The minimum NumPy and, for the test extras, releases of the same period that run on it
# (pytest too: scikit-learn 1.3's parametrize_with_checks hands parametrize a generator, which
# pytest 9 warns about, an error under filterwarnings = error).
cat > "$work/constraints.txt" <<'EOF'
numpy==1.23.5
scipy==1.10.1
scikit-learn==1.3.0
pandas==1.5.3
matplotlib==3.6.3
pytest==8.3.5
pyparsing==3.0.9
EOF

step "$("$python" --version) in a venv of its own, with $(head -1 "$work/constraints.txt")"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --upgrade pip
# Without link-time optimization: the LTO link is most of the build's time (244 s of 338 s on
# 2 idle cores, 2026-12-01), and what this check is about, the oldest Python's headers and
# NumPy, does not depend on it (the README's install in .ci/run builds and tests the LTO build).
"$work/venv/bin/python" -m pip install -q -c "$work/constraints.txt" "$root[test]" \
    -Cbuild-dir="$work/build" -Ccmake.define.CMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF
"$work/venv/bin/python" -c "import numpy, sys; print('python', sys.version.split()[0], 'numpy', numpy.__version__)"

if [ "$phase" = build ]; then
  echo "check_min_versions.sh: built in $((SECONDS - started)) s"
  exit 0
fi
suite

echo "check_min_versions.sh: passed in $((SECONDS - started)) s"
