"""Shared fixtures: the C++ framecat echo server (interop) and helpers.

Run by //python:python_test (tests/run_pytest.sh), which puts the built package on PYTHONPATH and
sets FRAMECAT to the Bazel-built //tools/framecat. By hand, from a checkout:
    PYTHONPATH=<dir holding framekit/ with _framekit.so> FRAMECAT=bazel-bin/tools/framecat/framecat \
        /usr/bin/python3 -m pytest python/tests
"""

import os
import re
import select
import subprocess
import time

import pytest


def _framecat_path():
    path = os.environ.get("FRAMECAT")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("FRAMECAT (the path of //tools/framecat) is not set")
    return path


class FramecatServer:
    """`framecat --listen=127.0.0.1:0 --echo --framer=SPEC` in a subprocess; .port once listening."""

    def __init__(self, spec, *extra):
        self.spec = spec
        self.process = subprocess.Popen(
            [_framecat_path(), "--listen=127.0.0.1:0", "--echo", "--framer=" + spec,
             "--threads=1", *extra],
            stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 20
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stderr], [], [], 0.5)
            if ready:
                line = self.process.stderr.readline()
                match = re.search(r"listening on [^ ]*:(\d+)", line)
                if match:
                    self.port = int(match.group(1))
                    return
                if not line:
                    break
        self.stop()
        raise RuntimeError("framecat did not start: %r" % line)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()


@pytest.fixture
def framecat():
    """A factory: framecat(spec) starts an echo server, stopped at the end of the test."""
    servers = []

    def start(spec, *extra):
        server = FramecatServer(spec, *extra)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
