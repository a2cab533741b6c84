#!/usr/bin/env python3
"""The Bazel and CMake builds compile the same .cc/.h files.

* Bazel's list: every source file in the transitive closure of framekit's targets, by genquery
  (//tests/build:bazel_sources, passed as --bazel-sources; only under `bazel test`).
* CMake's list: every .cc/.h path in cmake/framekit_sources.cmake.
* The tree: every .cc/.h file on disk, except the separately built examples (examples/consumer is
  its own Bazel workspace, examples/cmake_consumer builds against an installed framekit) and
  third_party.

Fails when a file is in Bazel's list but not CMake's or the reverse, when a file on disk is in
neither (a package missing from both, or from the genquery's roots), or when CMake lists a file
that does not exist. The unit tests below show each of those failures on made-up lists.
"""

import argparse
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repo_root import is_build_output, repo_root  # noqa: E402

CMAKE_SOURCES = "cmake/framekit_sources.cmake"
NOT_BUILT = ("examples/consumer/", "examples/cmake_consumer/", "third_party/")
# Built by Bazel only, for now: the Asio adapter (Boost, OpenSSL) with its tests and benchmark,
# and the Python module (Bazel and python/setup.py). Left out of the comparison on every side.
BAZEL_ONLY = ("asio/", "tests/asio/", "benchmarks/asio/", "python/")
SOURCE_RE = re.compile(r"[A-Za-z0-9_./+-]+\.(?:cc|h)(?![A-Za-z0-9_])")


def is_source(path):
    return path.endswith(".cc") or path.endswith(".h")


def cmake_sources(text):
    files = set()
    for line in text.splitlines():
        files.update(SOURCE_RE.findall(line.split("#", 1)[0]))
    return files


def bazel_sources(text):
    """genquery output (one label a line) -> repository-relative paths of .cc/.h files."""
    files = set()
    for label in text.split():
        if not label.startswith("//"):
            continue  # external repositories (@com_google_absl, @bazel_tools, ...)
        package, _, name = label[2:].partition(":")
        path = name if not package else package + "/" + name
        if is_source(path) and not path.startswith(BAZEL_ONLY):
            files.add(path)
    return files


def disk_sources(root):
    files = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not is_build_output(os.path.join(dirpath, d))]
        for name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")
            if is_source(rel) and not rel.startswith(NOT_BUILT + BAZEL_ONLY):
                files.add(rel)
    return files


def compare(cmake, disk, bazel=None):
    """Returns one line per problem."""
    problems = []
    for f in sorted(cmake - disk):
        problems.append("%s: listed in %s but not on disk" % (f, CMAKE_SOURCES))
    if bazel is not None:
        for f in sorted(bazel - cmake):
            problems.append("%s: in the Bazel build but not in %s" % (f, CMAKE_SOURCES))
        for f in sorted((cmake & disk) - bazel):
            problems.append("%s: in %s but not in the Bazel build (or not under a root of "
                            "//tests/build:bazel_sources)" % (f, CMAKE_SOURCES))
    for f in sorted(disk - cmake - (bazel or set())):
        problems.append("%s: on disk but in neither build%s" % (
            f, "" if bazel is not None else " (not in %s)" % CMAKE_SOURCES))
    return problems


class CompareTest(unittest.TestCase):
    """compare() itself: each kind of drift is reported."""

    def test_same_lists_pass(self):
        files = {"a/x.cc", "a/x.h"}
        self.assertEqual(compare(set(files), set(files), set(files)), [])

    def test_in_bazel_missing_from_cmake(self):
        problems = compare({"a/x.cc"}, {"a/x.cc", "a/y.cc"}, {"a/x.cc", "a/y.cc"})
        self.assertEqual(problems, ["a/y.cc: in the Bazel build but not in " + CMAKE_SOURCES])

    def test_in_cmake_missing_from_bazel(self):
        problems = compare({"a/x.cc", "a/y.h"}, {"a/x.cc", "a/y.h"}, {"a/x.cc"})
        self.assertEqual(len(problems), 1)
        self.assertIn("a/y.h: in %s but not in the Bazel build" % CMAKE_SOURCES, problems[0])

    def test_on_disk_in_neither(self):
        problems = compare({"a/x.cc"}, {"a/x.cc", "spec/new.cc"}, {"a/x.cc"})
        self.assertEqual(problems, ["spec/new.cc: on disk but in neither build"])

    def test_cmake_lists_a_missing_file(self):
        problems = compare({"a/x.cc", "a/gone.cc"}, {"a/x.cc"}, {"a/x.cc"})
        self.assertIn("a/gone.cc: listed in %s but not on disk" % CMAKE_SOURCES, problems)

    def test_without_bazel_cmake_must_cover_the_tree(self):
        self.assertEqual(compare({"a/x.cc"}, {"a/x.cc", "a/y.cc"}),
                         ["a/y.cc: on disk but in neither build (not in %s)" % CMAKE_SOURCES])

    def test_parsers(self):
        self.assertEqual(cmake_sources("set(X\n  a/b.cc  # c/d.cc\n  a/b.h\n)\n"), {"a/b.cc", "a/b.h"})
        self.assertEqual(
            bazel_sources("//framing:x.cc\n//:framekit/version.h\n//fuzz:corpus/a/seed_00\n"
                          "@com_google_absl//absl/strings:str_cat.h\n//tests/framing:BUILD.bazel\n"),
            {"framing/x.cc", "framekit/version.h"})


class TreeTest(unittest.TestCase):
    """The repository itself."""

    bazel_list = None

    def test_builds_agree(self):
        root = repo_root()
        with open(os.path.join(root, CMAKE_SOURCES)) as f:
            cmake = cmake_sources(f.read())
        disk = disk_sources(root)
        bazel = None
        if self.bazel_list:
            with open(self.bazel_list) as f:
                bazel = bazel_sources(f.read())
            self.assertGreater(len(bazel), 100, "genquery found too few files")
        self.assertGreater(len(cmake), 100, "too few files in " + CMAKE_SOURCES)
        problems = compare(cmake, disk, bazel)
        self.assertEqual(problems, [], "\n" + "\n".join(problems))
        print("sources: %d files in CMake, %s in Bazel, %d on disk" % (
            len(cmake), len(bazel) if bazel is not None else "(not checked)", len(disk)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--bazel-sources")
    args, rest = parser.parse_known_args()
    TreeTest.bazel_list = args.bazel_sources
    unittest.main(argv=[sys.argv[0]] + rest)
