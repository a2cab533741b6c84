#!/usr/bin/env bash
# //python:python_test: pytest over python/tests with Debian's Python (/usr/bin/python3, the one
# the extension was built for; pytest from python3-pytest), against the framekit package laid out
# from Bazel's outputs, and the C++ framecat for interop.
set -euo pipefail
PYTHON=${FRAMEKIT_PYTHON:-/usr/bin/python3}
site="${TEST_TMPDIR:-$(mktemp -d)}/site"
rm -rf "$site"
mkdir -p "$site/framekit"
cp python/framekit/*.py python/framekit/*.pyi python/framekit/py.typed "$site/framekit/"
cp python/_framekit.so "$site/framekit/"
export PYTHONPATH="$site"
export FRAMECAT="$PWD/tools/framecat/framecat"
export PYTHONDONTWRITEBYTECODE=1
# The tests, copied too, so that pytest's rootdir and imports are the laid-out package's.
mkdir -p "$site/tests" "$site/examples"
cp python/tests/*.py "$site/tests/"
cp python/examples/*.py "$site/examples/"
cd "$site"
exec "$PYTHON" -m pytest -q -p no:cacheprovider tests
