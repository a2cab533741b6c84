"""Builds framekit's extension from the C++ sources of this repository (../framing, ../codecs, ../spec and
src/framekit_module.cc) with pybind11's setup helpers, linking Debian's Abseil (libabsl-dev) as
pkg-config reports it. Metadata is in pyproject.toml. Only works from a checkout (the C++ sources
are outside this directory); `pip install --no-build-isolation ./python` builds in place.
"""

import glob
import hashlib
import os
import shutil
import subprocess
import tempfile

from pybind11.setup_helpers import ParallelCompile, Pybind11Extension, build_ext
from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# The C++ sources include "framekit/framing/...": an include directory whose framekit/ is the root
# of the repository (what Bazel's include_prefix does). It is kept out of the source tree, where a
# symlink back to the root would make Bazel's //... loop.
INCLUDE = os.path.join(tempfile.gettempdir(),
                       "framekit-include-" + hashlib.sha256(ROOT.encode()).hexdigest()[:16])
os.makedirs(INCLUDE, exist_ok=True)
_link = os.path.join(INCLUDE, "framekit")
if not os.path.islink(_link):
    try:
        os.symlink(ROOT, _link)
    except FileExistsError:  # another build made it meanwhile
        pass

ABSL_MODULES = [
    "absl_base", "absl_cord", "absl_endian", "absl_flat_hash_map", "absl_function_ref",
    "absl_span", "absl_status", "absl_statusor", "absl_str_format", "absl_strings",
    "absl_synchronization",
]


def absl_link_flags():
    if shutil.which("pkg-config"):
        result = subprocess.run(["pkg-config", "--libs"] + ABSL_MODULES, capture_output=True,
                                text=True)
        if result.returncode == 0:
            return result.stdout.split()
        raise SystemExit("pkg-config could not find Abseil (%s); install libabsl-dev"
                         % result.stderr.strip())
    return ["-labsl_" + m[len("absl_"):] for m in ("absl_status", "absl_statusor", "absl_cord",
                                                  "absl_str_format_internal", "absl_strings",
                                                  "absl_synchronization", "absl_raw_hash_set")]


def sources(*dirs):
    # Relative to this directory: the object files land under build/.
    return [os.path.relpath(f, HERE) for d in dirs
            for f in sorted(glob.glob(os.path.join(ROOT, d, "*.cc")))]


os.chdir(HERE)
ParallelCompile("FRAMEKIT_BUILD_JOBS", default=2).install()

setup(
    ext_modules=[
        Pybind11Extension(
            "framekit._framekit",
            ["src/framekit_module.cc"] + sources("framing", "framing/internal", "codecs", "spec"),
            include_dirs=[INCLUDE],
            cxx_std=17,
            extra_compile_args=["-O2", "-Wno-unused-parameter"],
            extra_link_args=absl_link_flags(),
        )
    ],
    cmdclass={"build_ext": build_ext},
)
