"""The HOWTO example runs: against its own server, and as a client of the C++ framecat."""

import os
import subprocess
import sys

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "howto_mysocket.py")


def run_example(*args):
    return subprocess.run([sys.executable, EXAMPLE, *args], capture_output=True, text=True,
                          timeout=60, check=True).stdout


def test_howto_example_in_one_process():
    out = run_example()
    assert "fixed:size=16" in out
    assert "much better" in out


def test_howto_example_against_framecat(framecat):
    server = framecat("length:width=4")
    out = run_example("127.0.0.1", str(server.port))
    assert out.splitlines() == [
        "b'hello'", "b'a length header says how long: much better'", "b''"]
