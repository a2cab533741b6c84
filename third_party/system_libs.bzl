"""Repository rules that expose Debian's system C++ libraries to Bazel under their usual names.

Offline machines cannot download Abseil, GoogleTest or Google Benchmark, but Debian ships them
(`libabsl-dev`, `libgtest-dev`, `libgmock-dev`, `libbenchmark-dev`). These rules build a repository whose
packages and target names match upstream's (`@com_google_absl//absl/strings`,
`@com_google_googletest//:gtest_main`, `@com_github_google_benchmark//:benchmark`), so BUILD files that
use them read exactly like any Bazel project's and work unchanged against source checkouts.

The headers are the system's (`/usr/include`, on every compiler's default search path); each target
only carries the link flags that `pkg-config` reports for it. A missing package fails the fetch with the
name of the Debian package to install.
"""

def _pkg_config_libs(ctx, modules, hint):
    # Entries that start with "-" are linker flags passed through as they are.
    raw = [m for m in modules if m.startswith("-")]
    modules = [m for m in modules if not m.startswith("-")]
    result = ctx.execute(["pkg-config", "--libs"] + modules)
    if result.return_code != 0:
        fail("pkg-config could not find %s (%s). Install it with: apt-get install %s" %
             (" ".join(modules), result.stderr.strip(), hint))
    return raw + result.stdout.strip().split(" ")

def _target(name, linkopts, extra_deps = []):
    return """cc_library(
    name = "{name}",
    linkopts = {linkopts},
    deps = {deps},
    visibility = ["//visibility:public"],
)
""".format(name = name, linkopts = repr(linkopts), deps = repr(extra_deps))

def _system_cc_repository_impl(ctx):
    if ctx.which("pkg-config") == None:
        fail("pkg-config is required to locate system libraries: apt-get install pkg-config")
    header = ctx.attr.header
    if not ctx.path(header).exists:
        fail("%s not found. Install it with: apt-get install %s" % (header, ctx.attr.debian_package))
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)
    packages = {}
    for label, modules in ctx.attr.targets.items():
        pkg, _, name = label.partition(":")
        packages.setdefault(pkg, [])
        packages[pkg].append(_target(name, _pkg_config_libs(ctx, modules, ctx.attr.debian_package)))
    for label, target in ctx.attr.aliases.items():
        pkg, _, name = label.partition(":")
        packages.setdefault(pkg, [])
        packages[pkg].append("""alias(
    name = "{name}",
    actual = "{actual}",
    visibility = ["//visibility:public"],
)
""".format(name = name, actual = target))
    for pkg, rules in packages.items():
        path = (pkg + "/BUILD.bazel") if pkg else "BUILD.bazel"
        ctx.file(path, "# Generated from Debian's %s by framekit's system_cc_repository.\n\n" %
                       ctx.attr.debian_package + "\n".join(rules))

system_cc_repository = repository_rule(
    implementation = _system_cc_repository_impl,
    attrs = {
        "header": attr.string(mandatory = True, doc = "A header whose presence proves the package is installed."),
        "debian_package": attr.string(mandatory = True, doc = "The Debian package to suggest when missing."),
        "targets": attr.string_list_dict(doc = "'package:target' -> pkg-config modules to link."),
        "aliases": attr.string_dict(doc = "'package:target' -> label of another target."),
    },
    local = True,
    environ = ["PKG_CONFIG_PATH"],
)

# Abseil's public targets (package:target -> pkg-config module). Header-only targets link nothing
# extra but still exist so that deps read as upstream's.
_ABSL_TARGETS = {
    "absl/algorithm:algorithm": ["absl_algorithm"],
    "absl/algorithm:container": ["absl_algorithm_container"],
    "absl/base:base": ["absl_base"],
    "absl/base:config": ["absl_config"],
    "absl/base:core_headers": ["absl_core_headers"],
    "absl/base:endian": ["absl_endian"],
    "absl/cleanup:cleanup": ["absl_cleanup"],
    "absl/container:btree": ["absl_btree"],
    "absl/container:fixed_array": ["absl_fixed_array"],
    "absl/container:flat_hash_map": ["absl_flat_hash_map"],
    "absl/container:flat_hash_set": ["absl_flat_hash_set"],
    "absl/container:inlined_vector": ["absl_inlined_vector"],
    "absl/container:node_hash_map": ["absl_node_hash_map"],
    "absl/debugging:failure_signal_handler": ["absl_failure_signal_handler"],
    "absl/debugging:symbolize": ["absl_symbolize"],
    "absl/flags:flag": ["absl_flags"],
    "absl/flags:parse": ["absl_flags_parse"],
    "absl/flags:usage": ["absl_flags_usage"],
    "absl/functional:any_invocable": ["absl_any_invocable"],
    "absl/functional:bind_front": ["absl_bind_front"],
    "absl/functional:function_ref": ["absl_function_ref"],
    "absl/hash:hash": ["absl_hash"],
    "absl/memory:memory": ["absl_memory"],
    "absl/meta:type_traits": ["absl_type_traits"],
    "absl/numeric:bits": ["absl_bits"],
    "absl/numeric:int128": ["absl_int128"],
    "absl/random:random": ["absl_random_random"],
    "absl/random:distributions": ["absl_random_distributions"],
    "absl/status:status": ["absl_status"],
    "absl/status:statusor": ["absl_statusor"],
    "absl/strings:strings": ["absl_strings"],
    "absl/strings:cord": ["absl_cord"],
    "absl/strings:str_format": ["absl_str_format"],
    "absl/synchronization:synchronization": ["absl_synchronization"],
    "absl/time:time": ["absl_time"],
    "absl/types:any": ["absl_any"],
    "absl/types:optional": ["absl_optional"],
    "absl/types:span": ["absl_span"],
    "absl/types:variant": ["absl_variant"],
    "absl/utility:utility": ["absl_utility"],
}

def system_absl_repository(name = "com_google_absl"):
    """Debian's libabsl-dev as @com_google_absl."""
    system_cc_repository(
        name = name,
        header = "/usr/include/absl/base/config.h",
        debian_package = "libabsl-dev",
        targets = _ABSL_TARGETS,
    )

def system_googletest_repository(name = "com_google_googletest"):
    """Debian's libgtest-dev and libgmock-dev as @com_google_googletest."""
    system_cc_repository(
        name = name,
        header = "/usr/include/gtest/gtest.h",
        debian_package = "libgtest-dev libgmock-dev",
        targets = {
            ":gtest": ["gtest"],
            ":gtest_main": ["gtest_main"],
            ":gmock": ["gmock"],
            ":gmock_main": ["gmock_main"],
        },
    )

def system_benchmark_repository(name = "com_github_google_benchmark"):
    """Debian's libbenchmark-dev as @com_github_google_benchmark."""
    system_cc_repository(
        name = name,
        header = "/usr/include/benchmark/benchmark.h",
        debian_package = "libbenchmark-dev",
        targets = {
            ":benchmark": ["benchmark"],
            ":benchmark_main": ["-lbenchmark_main", "benchmark"],
        },
    )
