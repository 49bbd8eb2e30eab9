# actorspec_gtest_discover: one call registers a GoogleTest binary's tests in
# CTest, each with a list of labels. Used for the conformance suite, the
# backends' unit tests, and by anyone's actorspec_add_conformance.
#
#   actorspec_gtest_discover(TARGET bin LABELS a b ...
#                            [TEST_FILTER pattern] [TEST_LIST var]
#                            [TIMEOUT seconds] [DISCOVERY_TIMEOUT seconds])
#
# Why not gtest_discover_tests(... PROPERTIES LABELS "a;b") alone: a list in
# PROPERTIES is split into separate properties, so the labels are set by a
# small include file that CTest runs after discovery.
include_guard(GLOBAL)
include(GoogleTest)

function(actorspec_gtest_discover)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;TEST_FILTER;TEST_LIST;TIMEOUT;DISCOVERY_TIMEOUT" "LABELS")
  if(NOT arg_TARGET)
    message(FATAL_ERROR "actorspec_gtest_discover: TARGET is required")
  endif()
  if(NOT arg_TEST_LIST)
    string(MAKE_C_IDENTIFIER "${arg_TARGET}_${arg_TEST_FILTER}_tests" arg_TEST_LIST)
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()
  if(NOT arg_DISCOVERY_TIMEOUT)
    set(arg_DISCOVERY_TIMEOUT 120)
  endif()
  set(filter)
  if(arg_TEST_FILTER)
    set(filter TEST_FILTER "${arg_TEST_FILTER}")
  endif()
  gtest_discover_tests(${arg_TARGET} ${filter}
    TEST_LIST ${arg_TEST_LIST}
    NO_PRETTY_VALUES
    PROPERTIES TIMEOUT ${arg_TIMEOUT}
    DISCOVERY_TIMEOUT ${arg_DISCOVERY_TIMEOUT})
  if(arg_LABELS)
    set(label_file "${CMAKE_CURRENT_BINARY_DIR}/${arg_TEST_LIST}_labels.cmake")
    file(WRITE "${label_file}"
      "foreach(t IN LISTS ${arg_TEST_LIST})\n"
      "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${arg_LABELS}\")\n"
      "endforeach()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${label_file}")
  endif()
endfunction()
