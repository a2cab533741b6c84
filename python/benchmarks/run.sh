#!/usr/bin/env bash
# Builds the extension with Bazel and runs the asyncio benchmark with Debian's python3 against it.
#   bash python/benchmarks/run.sh [--runs=3] [--seconds=2]     (about 3.5 minutes with the defaults)
set -euo pipefail
cd "$(dirname "$0")/../.."
bazel build //python:_framekit.so >&2
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
mkdir -p "$site/framekit"
cp python/framekit/*.py "$site/framekit/"
cp bazel-bin/python/_framekit.so "$site/framekit/"
PYTHONPATH="$site" /usr/bin/python3 python/benchmarks/asyncio_bench.py "$@"
