// framekit/version.h -- framekit's version: the one place the number is written.
//
// MODULE.bazel (module version), CMakeLists.txt (project VERSION, read from this file) and the
// installed framekit.pc / framekitConfigVersion.cmake carry the same number;
// //tests/build:version_test (also run by CTest) fails when they disagree. Bump it here, in
// MODULE.bazel and in CHANGELOG.md.
#ifndef FRAMEKIT_VERSION_H_
#define FRAMEKIT_VERSION_H_

#define FRAMEKIT_VERSION_MAJOR 0
#define FRAMEKIT_VERSION_MINOR 1
#define FRAMEKIT_VERSION_PATCH 0

// "MAJOR.MINOR.PATCH"
#define FRAMEKIT_VERSION_STRING "0.1.0"

#endif  // FRAMEKIT_VERSION_H_
