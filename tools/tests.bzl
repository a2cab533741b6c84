"""One cc_test per `*_test.cc` in a folder, so a new test file needs no BUILD edit."""

load("//tools:copts.bzl", "FRAMEKIT_COPTS")

def cc_test_per_file(deps, size = "small", data = [], tags = [], overrides = {}):
    """Declares cc_test NAME for each NAME.cc matching *_test.cc in the package.

    Args:
      deps: dependencies shared by every test.
      size: default test size.
      data: runtime data shared by every test.
      tags: tags shared by every test.
      overrides: NAME -> dict of attributes (size, extra deps, data, tags, extra copts placed after
        the shared ones, e.g. "-std=c++20"...) for one test.
    """
    for src in native.glob(["*_test.cc"]):
        name = src[:-len(".cc")]
        extra = overrides.get(name, {})
        native.cc_test(
            name = name,
            srcs = [src] + extra.get("srcs", []),
            copts = FRAMEKIT_COPTS + extra.get("copts", []),
            deps = deps + extra.get("deps", []),
            size = extra.get("size", size),
            data = data + extra.get("data", []),
            tags = tags + extra.get("tags", []),
            args = extra.get("args", []),
            linkopts = extra.get("linkopts", []),
            shard_count = extra.get("shard_count", None),
        )
