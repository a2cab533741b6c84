#!/usr/bin/env python3
"""MODULE.bazel resolves against the Bazel Central Registry snapshot, and every BUILD file loads
its cc_* rules from @rules_cc; the checker rejects the bad fixtures (google_benchmark 1.7.1, a BUILD
file using cc_binary/cc_test without loading them), so it can fail."""

import io
import os
import sys
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_module  # noqa: E402
from repo_root import repo_root, runfile  # noqa: E402

SNAPSHOT = runfile("tests/build/bcr_snapshot.txt")
BAD_MODULE = runfile("tests/build/testdata/MODULE.benchmark_1_7_1.bazel")
BAD_BUILD = runfile("tests/build/testdata/BUILD.unloaded")


def run(*argv):
    out = io.StringIO()
    old = sys.argv
    sys.argv = ["check_module.py"] + list(argv)
    try:
        with redirect_stdout(out):
            code = check_module.main()
    finally:
        sys.argv = old
    return code, out.getvalue()


class ModuleCheckTest(unittest.TestCase):
    def test_framekit_module_and_build_files_pass(self):
        root = repo_root()
        code, out = run("--snapshot", SNAPSHOT, "--module", os.path.join(root, "MODULE.bazel"),
                        "--root", root)
        self.assertEqual(code, 0, out)
        # Every package of the repository was looked at (not an empty walk).
        checked = int(out.rsplit(";", 1)[1].split()[0])
        self.assertGreaterEqual(checked, 20, out)

    def test_module_deps(self):
        deps = {}
        with open(os.path.join(repo_root(), "MODULE.bazel")) as f:
            import ast
            for node in ast.walk(ast.parse(f.read())):
                if isinstance(node, ast.Call) and check_module.call_name(node) == "bazel_dep":
                    kw = check_module.literal_kwargs(node)
                    deps[kw["name"]] = kw
        self.assertEqual(deps["abseil-cpp"]["version"], "20220623.1")  # Debian 12's
        self.assertEqual(deps["googletest"]["version"], "1.12.1")  # Debian 12's
        self.assertIn("rules_cc", deps)
        self.assertIn("platforms", deps)
        self.assertIs(deps["googletest"].get("dev_dependency"), True)
        self.assertIs(deps["google_benchmark"].get("dev_dependency"), True)

    def test_rejects_google_benchmark_1_7_1(self):
        code, out = run("--snapshot", SNAPSHOT, "--module", BAD_MODULE)
        self.assertEqual(code, 1, out)
        self.assertIn("bazel_dep google_benchmark 1.7.1: no such version in the registry", out)
        self.assertIn("no bazel_dep on rules_cc", out)

    def test_rejects_unknown_module_yanked_version_and_unmarked_dev_dep(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".bazel", delete=False) as f:
            f.write('module(name = "x", version = "0.1.0")\n'
                    'bazel_dep(name = "rules_cc", version = "0.0.14")\n'
                    'bazel_dep(name = "platforms", version = "0.0.6")\n'
                    'bazel_dep(name = "no_such_module", version = "1.0")\n'
                    'bazel_dep(name = "googletest", version = "1.12.1")\n')
        try:
            code, out = run("--snapshot", SNAPSHOT, "--module", f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(code, 1, out)
        self.assertIn("rules_cc 0.0.14: version is yanked", out)
        self.assertIn("no_such_module 1.0: module not in the registry snapshot", out)
        self.assertIn("googletest is only used by framekit's tests/benchmarks", out)

    def test_rejects_cc_rules_not_loaded(self):
        code, out = run("--snapshot", SNAPSHOT, "--build", BAD_BUILD)
        self.assertEqual(code, 1, out)
        self.assertIn("cc_binary used but not loaded from @rules_cc//cc:defs.bzl", out)
        self.assertIn("cc_test used but not loaded from @rules_cc//cc:defs.bzl", out)
        self.assertNotIn("cc_library used", out)


if __name__ == "__main__":
    unittest.main()
