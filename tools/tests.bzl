"""One cc_test per `*_test.cc` in a folder, each declaring its own deps."""

load("@rules_cc//cc:defs.bzl", "cc_test")
load("//tools:copts.bzl", "FRAMEKIT_COPTS")

def cc_test_per_file(deps, size = "small", data = [], tags = [], overrides = {}):
    """Declares cc_test NAME for each NAME.cc matching *_test.cc in the package.

    Args:
      deps: NAME -> that test's deps (what its includes need). Every test file must have an
        entry, and every entry a file, so a test's deps are its own, not a package-wide union.
      size: default test size.
      data: runtime data shared by every test.
      tags: tags shared by every test.
      overrides: NAME -> dict of attributes (size, data, tags, args, linkopts, shard_count, extra
        copts placed after the shared ones, e.g. "-std=c++20") for one test.
    """
    names = [src[:-len(".cc")] for src in native.glob(["*_test.cc"])]
    for name in deps:
        if name not in names:
            fail("cc_test_per_file: deps names %s, which has no %s.cc" % (name, name))
    for name in names:
        if name not in deps:
            fail("cc_test_per_file: declare the deps of %s in deps = {...}" % name)
        extra = overrides.get(name, {})
        cc_test(
            name = name,
            srcs = [name + ".cc"] + extra.get("srcs", []),
            copts = FRAMEKIT_COPTS + extra.get("copts", []),
            deps = deps[name] + extra.get("deps", []),
            size = extra.get("size", size),
            data = data + extra.get("data", []),
            tags = tags + extra.get("tags", []),
            args = extra.get("args", []),
            linkopts = extra.get("linkopts", []),
            shard_count = extra.get("shard_count", None),
        )

    # Every test of the package, by one label: the root that //tests/build:bazel_sources queries,
    # so a new *_test.cc is covered by the CMake/Bazel source-list check without a BUILD edit.
    native.test_suite(
        name = "all_tests",
        visibility = ["//tests/build:__pkg__"],
    )
