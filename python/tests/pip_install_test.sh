#!/usr/bin/env bash
# //python:pip_install_test: the pip path, offline. Copies the sources (python/, framing/, codecs/, spec/, coding/)
# to a scratch checkout, makes a venv of Debian's python3 with --system-site-packages (for
# setuptools and pybind11), runs `pip install --no-build-isolation ./python` with no index, and
# runs the test suite against the installed package (not the Bazel-built one).
set -euo pipefail
PYTHON=${FRAMEKIT_PYTHON:-/usr/bin/python3}
work="${TEST_TMPDIR:-$(mktemp -d)}/pip"
rm -rf "$work"
mkdir -p "$work/src"
cp -RL python framing codecs spec coding "$work/src/"
rm -rf "$work/src/python/build" "$work/src/python/"*.egg-info
"$PYTHON" -m venv --system-site-packages "$work/venv"
export PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
(cd "$work/src" && "$work/venv/bin/pip" install -q --no-build-isolation ./python)
# The installed package, from outside the source tree (so `import framekit` cannot find
# python/framekit instead).
mkdir -p "$work/run"
cp -R python/tests python/examples "$work/run/"
cd "$work/run"
"$work/venv/bin/python" -c 'import framekit, sys; assert "/venv/" in framekit.__file__, framekit.__file__'
export FRAMECAT="$TEST_SRCDIR/$TEST_WORKSPACE/tools/framecat/framecat"
exec "$work/venv/bin/python" -m pytest -q -p no:cacheprovider tests
