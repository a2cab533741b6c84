"""framekit's external dependencies, for framekit's own WORKSPACE and for its consumers'.

A consumer's WORKSPACE:

    local_repository(name = "framekit", path = "/path/to/framekit")   # or http_archive
    load("@framekit//:repositories.bzl", "framekit_dependencies")
    framekit_dependencies()          # system (Debian) packages; declares only what is missing

framekit needs Abseil, and its tests and benchmarks need GoogleTest and Google Benchmark. Each is
declared under its usual name only if the consumer has not declared it already, so a consumer's own
`com_google_absl` (from source, at its own version) wins and is never clobbered.
"""

load("//third_party:system_libs.bzl", "system_absl_repository", "system_benchmark_repository", "system_googletest_repository")

def _maybe(repo_rule, name, **kwargs):
    if name not in native.existing_rules():
        repo_rule(name = name, **kwargs)

def framekit_dependencies(use_system_libraries = True):
    """Declares @com_google_absl, @com_google_googletest and @com_github_google_benchmark.

    Args:
      use_system_libraries: True (the only mode verified offline) maps Debian's libabsl-dev,
        libgtest-dev/libgmock-dev and libbenchmark-dev. Pass False to declare none of them and
        bring your own (e.g. http_archive of upstream sources under the same names).
    """
    if not use_system_libraries:
        return
    _maybe(system_absl_repository, "com_google_absl")
    _maybe(system_googletest_repository, "com_google_googletest")
    _maybe(system_benchmark_repository, "com_github_google_benchmark")
