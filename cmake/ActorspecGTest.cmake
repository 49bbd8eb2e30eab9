# actorspec_gtest(<target> LABELS <label>... [TEST_FILTER <gtest filter>]
#                 [LIST <name>] [TIMEOUT <seconds>])
#
# Registers a GoogleTest binary's tests with CTest, one CTest test per
# gtest test (gtest_discover_tests), each carrying LABELS, so that
# `ctest -L <label>` picks them. Call it more than once on one target with
# different TEST_FILTERs (and LISTs) to label parts differently.
#
# Labels go through an include file run after discovery: a list given in
# gtest_discover_tests' PROPERTIES would be split into separate properties.
include_guard(GLOBAL)
include(GoogleTest)

function(actorspec_gtest target)
  cmake_parse_arguments(ARG "" "TEST_FILTER;LIST;TIMEOUT" "LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    message(FATAL_ERROR "actorspec_gtest(${target}): LABELS is required")
  endif()
  if(NOT ARG_LIST)
    set(ARG_LIST ${target})
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(filter_args)
  if(ARG_TEST_FILTER)
    set(filter_args TEST_FILTER "${ARG_TEST_FILTER}")
  endif()
  gtest_discover_tests(${target}
    ${filter_args}
    TEST_LIST ${ARG_LIST}_tests
    NO_PRETTY_VALUES
    PROPERTIES TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 120)
  list(JOIN ARG_LABELS ";" labels)
  set(label_file ${CMAKE_CURRENT_BINARY_DIR}/${ARG_LIST}_labels.cmake)
  file(WRITE ${label_file}
    "foreach(t IN LISTS ${ARG_LIST}_tests)\n"
    "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${labels}\")\n"
    "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${label_file})
endfunction()
