# `cmake --install` puts headers, libraries, the suites' objects and the
# CMake package (actorspecConfig.cmake + version file) under the prefix.
# One export file per part, so a consumer without, say, oneTBB still gets
# the rest: actorspecConfig.cmake loads a part only if its dependencies are
# found, and find_package(actorspec COMPONENTS tbb REQUIRED) insists on it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/actorspec)
set(object_dir ${CMAKE_INSTALL_LIBDIR}/actorspec/objects)

# ---- headers ----
install(DIRECTORY ${PROJECT_SOURCE_DIR}/spec/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/backends/core/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/backends/stackful/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/guide/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(backend IN LISTS ACTORSPEC_BACKENDS)
  # An executor's header and the headers it includes, to reuse the executor.
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/backends/${backend}/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/actorspec/${backend}
          FILES_MATCHING PATTERN "*.hpp"
          PATTERN "tests" EXCLUDE PATTERN "tools" EXCLUDE PATTERN "bench" EXCLUDE)
endforeach()

# ---- targets, one export set per part ----
function(actorspec_install_part part)
  install(TARGETS ${ARGN} EXPORT actorspec-${part}
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          OBJECTS DESTINATION ${object_dir})
  install(EXPORT actorspec-${part} NAMESPACE actorspec:: DESTINATION ${cmake_dir}
          FILE actorspec-${part}-targets.cmake)
endfunction()

# thread, the stackful toolkit and the guide's programs need nothing beyond
# the core: they ship with it.
actorspec_install_part(core actorspec_spec actorspec_core actorspec_stackful actorspec_guide actorspec_thread_executor
                       actorspec_thread)
set(ACTORSPEC_INSTALLED_PARTS)
foreach(backend IN LISTS ACTORSPEC_BACKENDS)
  if(NOT backend STREQUAL "thread")
    actorspec_install_part(${backend} actorspec_${backend}_executor actorspec_${backend})
    list(APPEND ACTORSPEC_INSTALLED_PARTS ${backend})
  endif()
endforeach()
if(TARGET actorspec_conformance)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/conformance/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  actorspec_install_part(conformance actorspec_conformance_fixture actorspec_conformance)
  list(APPEND ACTORSPEC_INSTALLED_PARTS conformance)
endif()
if(TARGET actorspec_perf_suite)
  actorspec_install_part(perf actorspec_perf_suite)
  list(APPEND ACTORSPEC_INSTALLED_PARTS perf)
endif()

# ---- the package ----
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/actorspecConfig.cmake.in
  ${PROJECT_BINARY_DIR}/actorspecConfig.cmake INSTALL_DESTINATION ${cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/actorspecConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/actorspecConfig.cmake
  ${PROJECT_BINARY_DIR}/actorspecConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/ActorspecFunctions.cmake
  ${PROJECT_SOURCE_DIR}/cmake/ActorspecGTest.cmake
  ${PROJECT_SOURCE_DIR}/cmake/actorspec_empty.cpp
  DESTINATION ${cmake_dir})
