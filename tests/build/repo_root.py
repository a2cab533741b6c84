"""Where the framekit source tree is, for the checks in tests/build.

CTest sets FRAMEKIT_SOURCE_DIR. Under `bazel test` the checks read the whole tree (every BUILD file,
every .cc/.h), which no single target can declare as inputs: the source root is found by following
the runfiles link of //:MODULE.bazel back to the workspace, and the targets are tagged "external"
(never cached) and "local" (the real tree, outside any sandbox).
"""

import os


def repo_root():
    env = os.environ.get("FRAMEKIT_SOURCE_DIR")
    if env:
        return os.path.abspath(env)
    srcdir, workspace = os.environ.get("TEST_SRCDIR"), os.environ.get("TEST_WORKSPACE")
    if srcdir and workspace:
        module = os.path.join(srcdir, workspace, "MODULE.bazel")
        if not os.path.exists(module):
            raise RuntimeError("//:MODULE.bazel is not in this test's data")
        return os.path.dirname(os.path.realpath(module))
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def runfile(rel):
    """A file of this repository: from the Bazel runfiles if there, else from the source tree."""
    srcdir, workspace = os.environ.get("TEST_SRCDIR"), os.environ.get("TEST_WORKSPACE")
    if srcdir and workspace:
        path = os.path.join(srcdir, workspace, rel)
        if os.path.exists(path):
            return path
    return os.path.join(repo_root(), rel)


def is_build_output(dirpath):
    """A CMake build directory or Bazel's convenience links: not sources."""
    name = os.path.basename(dirpath)
    return (name.startswith("bazel-") or name == ".git"
            or os.path.exists(os.path.join(dirpath, "CMakeCache.txt")))
