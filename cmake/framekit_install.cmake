# framekit's install rules: libraries, headers (framekit_library() installs those), the CMake
# package (framekitConfig.cmake, framekitConfigVersion.cmake, framekitTargets.cmake) and framekit.pc.
get_property(_fk_targets GLOBAL PROPERTY FRAMEKIT_INSTALLED_TARGETS)

install(TARGETS ${_fk_targets}
  EXPORT framekitTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT framekit_development
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT framekit_runtime
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT framekit_runtime)

set(FRAMEKIT_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/framekit")
install(EXPORT framekitTargets
  NAMESPACE framekit::
  DESTINATION "${FRAMEKIT_CMAKE_INSTALL_DIR}"
  COMPONENT framekit_development)

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/framekitConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/framekitConfig.cmake"
  INSTALL_DESTINATION "${FRAMEKIT_CMAKE_INSTALL_DIR}")
# 0.x: a minor version may break the API, so 0.1 accepts 0.1.* only.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/framekitConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/framekitConfig.cmake"
  "${PROJECT_BINARY_DIR}/framekitConfigVersion.cmake"
  DESTINATION "${FRAMEKIT_CMAKE_INSTALL_DIR}"
  COMPONENT framekit_development)

# framekit.pc: the libraries in link order (a static library before what it uses), Abseil's and
# liburing's own .pc files as Requires. The transforms have their own framekit-transforms.pc, so
# that only a program that compresses needs the compression libraries.
set(FRAMEKIT_PC_LIBS "")
foreach(_lib server framed_connection codecs transport framing spec)
  string(APPEND FRAMEKIT_PC_LIBS " -lframekit_${_lib}")
endforeach()
string(STRIP "${FRAMEKIT_PC_LIBS}" FRAMEKIT_PC_LIBS)
set(FRAMEKIT_PC_REQUIRES
  absl_core_headers absl_endian absl_flat_hash_map absl_function_ref absl_status absl_statusor
  absl_strings absl_cord absl_str_format absl_synchronization absl_span absl_time liburing)
list(JOIN FRAMEKIT_PC_REQUIRES ", " FRAMEKIT_PC_REQUIRES)
# Relocatable: the prefix is found from the .pc file's own place (pkg-config's ${pcfiledir}), so
# `cmake --install build --prefix DIR` yields a framekit.pc that points into DIR.
set(_fk_pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
if(IS_ABSOLUTE "${_fk_pc_dir}")
  file(RELATIVE_PATH _fk_pc_dir "${CMAKE_INSTALL_PREFIX}" "${_fk_pc_dir}")
endif()
set(FRAMEKIT_PC_PREFIX "\${pcfiledir}")
string(REPLACE "/" ";" _fk_parts "${_fk_pc_dir}")
foreach(_fk_part IN LISTS _fk_parts)
  string(APPEND FRAMEKIT_PC_PREFIX "/..")
endforeach()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(FRAMEKIT_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  set(FRAMEKIT_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(FRAMEKIT_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(FRAMEKIT_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/framekit.pc.in" "${PROJECT_BINARY_DIR}/framekit.pc" @ONLY)
configure_file("${PROJECT_SOURCE_DIR}/cmake/framekit-transforms.pc.in"
  "${PROJECT_BINARY_DIR}/framekit-transforms.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/framekit.pc" "${PROJECT_BINARY_DIR}/framekit-transforms.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
  COMPONENT framekit_development)
