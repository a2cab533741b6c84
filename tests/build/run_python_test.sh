#!/usr/bin/env bash
# Runs a Python test script of tests/build with the system's python3 (Debian has no `python`,
# which Bazel 4's py_test stub needs): run_python_test.sh SCRIPT.py [ARGS...]
set -euo pipefail
exec python3 "$@"
