#!/usr/bin/env python3
"""framekit's version is written once, in framekit/version.h; everything else that carries it
agrees: MODULE.bazel's module(version), the newest CHANGELOG.md entry, and (from CTest, which
passes them) the CMake project version, the generated framekit.pc and framekitConfigVersion.cmake.
"""

import argparse
import ast
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repo_root import repo_root  # noqa: E402


def header_version(text):
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        m = re.search(r"^#define FRAMEKIT_VERSION_%s +(\d+)$" % part, text, re.M)
        if not m:
            raise ValueError("no FRAMEKIT_VERSION_%s" % part)
        parts.append(m.group(1))
    s = re.search(r'^#define FRAMEKIT_VERSION_STRING +"([^"]*)"$', text, re.M)
    return ".".join(parts), (s.group(1) if s else None)


def module_version(text):
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "module":
            for kw in node.keywords:
                if kw.arg == "version":
                    return kw.value.value
    return None


def changelog_version(text):
    m = re.search(r"^## \[?(\d+\.\d+\.\d+)\]?", text, re.M)
    return m.group(1) if m else None


def pc_version(text):
    m = re.search(r"^Version: *(\S+)$", text, re.M)
    return m.group(1) if m else None


def config_version(text):
    m = re.search(r'^set\(PACKAGE_VERSION "([^"]+)"\)', text, re.M)
    return m.group(1) if m else None


def disagreements(expected, found):
    """found: {where: version}. One line per place that does not say `expected`."""
    return ["%s says %s, framekit/version.h says %s" % (where, v, expected)
            for where, v in sorted(found.items()) if v != expected]


def read(path):
    with open(path) as f:
        return f.read()


class ParseTest(unittest.TestCase):
    def test_parsers_and_a_disagreement(self):
        self.assertEqual(header_version("#define FRAMEKIT_VERSION_MAJOR 2\n#define FRAMEKIT_VERSION_MINOR 10\n"
                                        "#define FRAMEKIT_VERSION_PATCH 3\n#define FRAMEKIT_VERSION_STRING \"2.10.3\"\n"),
                         ("2.10.3", "2.10.3"))
        self.assertEqual(module_version('module(name = "framekit", version = "0.2.0")\n'), "0.2.0")
        self.assertEqual(changelog_version("# Changelog\n\n## [0.2.0] - 2026-01-01\n\n## [0.1.0]\n"), "0.2.0")
        self.assertEqual(pc_version("Name: framekit\nVersion: 0.1.0\n"), "0.1.0")
        self.assertEqual(config_version('set(PACKAGE_VERSION "0.1.0")\n'), "0.1.0")
        self.assertEqual(disagreements("0.1.0", {"MODULE.bazel": "0.1.0", "framekit.pc": "0.2.0"}),
                         ["framekit.pc says 0.2.0, framekit/version.h says 0.1.0"])


class VersionTest(unittest.TestCase):
    extra = {}  # where -> version, from the command line (CTest)

    def test_all_agree(self):
        root = repo_root()
        version, string = header_version(read(os.path.join(root, "framekit/version.h")))
        found = {
            "FRAMEKIT_VERSION_STRING": string,
            "MODULE.bazel": module_version(read(os.path.join(root, "MODULE.bazel"))),
            "CHANGELOG.md (newest entry)": changelog_version(read(os.path.join(root, "CHANGELOG.md"))),
        }
        found.update(self.extra)
        self.assertEqual(disagreements(version, found), [])
        print("version %s: %s" % (version, ", ".join(sorted(found))))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--cmake-version")
    parser.add_argument("--pc")
    parser.add_argument("--config-version")
    args, rest = parser.parse_known_args()
    if args.cmake_version:
        VersionTest.extra["CMake project VERSION"] = args.cmake_version
    if args.pc:
        VersionTest.extra[os.path.basename(args.pc)] = pc_version(read(args.pc))
    if args.config_version:
        VersionTest.extra[os.path.basename(args.config_version)] = config_version(read(args.config_version))
    unittest.main(argv=[sys.argv[0]] + rest)
