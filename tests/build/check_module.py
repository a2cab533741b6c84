#!/usr/bin/env python3
"""Checks framekit's Bazel metadata without a Bzlmod-capable Bazel.

  check_module.py --snapshot SNAPSHOT --module MODULE.bazel [--root DIR] [--build FILE ...]

* MODULE.bazel: every bazel_dep names a module and version listed in SNAPSHOT (the Bazel Central
  Registry's versions, tests/build/bcr_snapshot.txt) and not yanked; rules_cc and platforms are
  deps; the test-only modules (googletest, google_benchmark) are dev_dependency = True and the
  others are not.
* BUILD files (every BUILD/BUILD.bazel/*.bzl under --root, plus each --build FILE): every cc_* rule
  used is loaded from @rules_cc//cc:defs.bzl, and no native.cc_* is called (except in the in-repo
  rules_cc shim, which is what defines them).

Exits 1 and prints one line per problem, 0 when there is none.
"""

import argparse
import ast
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from repo_root import is_build_output  # noqa: E402

RULES_CC_DEFS = "@rules_cc//cc:defs.bzl"
REQUIRED_DEPS = ("rules_cc", "platforms")
DEV_ONLY = ("googletest", "google_benchmark")
# Not framekit's own BUILD files: the shim that defines the rules, checker fixtures, build outputs.
SKIP_DIRS = ("third_party/rules_cc", "tests/build/testdata")


def read_snapshot(path):
    versions, minimums, yanked = {}, {}, {}
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if words[0] == "yanked":
                yanked.setdefault(words[1], set()).update(words[2:])
                continue
            for v in words[1:]:
                if v.startswith(">="):
                    minimums[words[0]] = v[2:]
                else:
                    versions.setdefault(words[0], set()).add(v)
    return versions, minimums, yanked


def version_key(v):
    return tuple(int(p) if p.isdigit() else p for p in v.replace("-", ".").split("."))


def call_name(node):
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
        return node.func.value.id + "." + node.func.attr
    return None


def literal_kwargs(node):
    out = {}
    for kw in node.keywords:
        if kw.arg is not None and isinstance(kw.value, ast.Constant):
            out[kw.arg] = kw.value.value
    return out


def parse(path):
    with open(path) as f:
        text = f.read()
    try:
        return ast.parse(text, filename=path), None
    except SyntaxError as e:
        return None, "%s:%s: cannot parse (%s)" % (path, e.lineno, e.msg)


def check_module(module_path, snapshot_path):
    versions, minimums, yanked = read_snapshot(snapshot_path)
    tree, err = parse(module_path)
    if err:
        return [err]
    problems, deps = [], {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or call_name(node) != "bazel_dep":
            continue
        kw = literal_kwargs(node)
        name, version = kw.get("name"), kw.get("version")
        where = "%s:%d" % (module_path, node.lineno)
        if not name or not version:
            problems.append("%s: bazel_dep without a literal name and version" % where)
            continue
        deps[name] = kw
        if name not in versions and name not in minimums:
            problems.append("%s: bazel_dep %s %s: module not in the registry snapshot" % (where, name, version))
        elif version in yanked.get(name, ()):
            problems.append("%s: bazel_dep %s %s: version is yanked in the registry" % (where, name, version))
        elif version not in versions.get(name, ()) and not (
                name in minimums and version_key(version) >= version_key(minimums[name])):
            known = sorted(versions.get(name, ()), key=version_key)
            problems.append("%s: bazel_dep %s %s: no such version in the registry (it has %s%s)" % (
                where, name, version, ", ".join(known),
                (", >=" + minimums[name]) if name in minimums else ""))
        dev = kw.get("dev_dependency", False) is True
        if name in DEV_ONLY and not dev:
            problems.append("%s: %s is only used by framekit's tests/benchmarks: mark it dev_dependency = True" % (where, name))
        if name not in DEV_ONLY and dev:
            problems.append("%s: %s is needed by framekit's libraries: not a dev_dependency" % (where, name))
    for name in REQUIRED_DEPS:
        if name not in deps:
            problems.append("%s: no bazel_dep on %s" % (module_path, name))
    return problems


def check_build_file(path):
    tree, err = parse(path)
    if err:
        return [err]
    # Names from @rules_cc//cc:defs.bzl, and names defined elsewhere (macros such as
    # cc_test_per_file from //tools:tests.bzl, or a def in this file): a cc_* name that is neither
    # is Bazel's native rule.
    loaded, other = set(), set()
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and call_name(node) == "load" and node.args:
            first = node.args[0]
            names = {a.value for a in node.args[1:] if isinstance(a, ast.Constant)}
            names.update(kw.arg for kw in node.keywords)
            if isinstance(first, ast.Constant) and first.value == RULES_CC_DEFS:
                loaded.update(names)
            else:
                other.update(names)
        elif isinstance(node, ast.FunctionDef):
            other.add(node.name)
    for name in loaded & other:
        problems.append("%s: %s loaded both from %s and elsewhere" % (path, name, RULES_CC_DEFS))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = call_name(node)
        if name is None:
            continue
        if name.startswith("native.cc_"):
            problems.append("%s:%d: %s: load %s from %s instead" % (path, node.lineno, name, name[7:], RULES_CC_DEFS))
        elif name.startswith("cc_") and name not in loaded and name not in other:
            problems.append("%s:%d: %s used but not loaded from %s" % (path, node.lineno, name, RULES_CC_DEFS))
    return problems


def build_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        rel = "" if rel == "." else rel
        dirnames[:] = sorted(d for d in dirnames
                             if not is_build_output(os.path.join(dirpath, d))
                             and os.path.join(rel, d) not in SKIP_DIRS)
        for name in sorted(filenames):
            if name in ("BUILD", "BUILD.bazel") or name.endswith(".bzl"):
                yield os.path.join(dirpath, name)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--snapshot", required=True)
    p.add_argument("--module")
    p.add_argument("--root", help="check every BUILD/BUILD.bazel/.bzl file under this directory")
    p.add_argument("--build", action="append", default=[], help="one more BUILD file to check")
    args = p.parse_args()
    problems, checked = [], 0
    if args.module:
        problems += check_module(args.module, args.snapshot)
    files = list(build_files(args.root)) if args.root else []
    files += args.build
    for f in files:
        problems += check_build_file(f)
        checked += 1
    for line in problems:
        print(line)
    if args.root and checked == 0:
        print("%s: no BUILD files found" % args.root)
        return 1
    print("check_module: %d problem(s); %d BUILD/.bzl file(s) checked" % (len(problems), checked))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
