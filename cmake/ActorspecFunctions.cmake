# The user-side story of actorspec, two functions:
#
#   actorspec_add_conformance(TARGET name BACKEND mine [more backends...]
#                             SOURCES register_mine.cpp ...
#                             [LIBRARIES mine_runtime ...] [TIMEOUT seconds])
#     A GoogleTest binary running the whole conformance suite on every backend
#     registered in it, each test registered in CTest with the labels
#     `conformance` and its backend's name, plus one test per backend,
#     `<name>.registers.<backend>`, that fails when the binary has no backend
#     of that name (a typo would otherwise register zero tests, silently).
#
#   actorspec_add_perf(TARGET name SOURCES register_mine.cpp ... [LIBRARIES ...])
#     The perf suite (Google Benchmark) on every backend registered in it.
#
# SOURCES hold the backend's registration, e.g.
#   static actorspec::BackendRegistration mine("mine", [](const actorspec::RuntimeOptions& o) {...});
# It sits in the executable's own sources, so it is always linked: no
# whole-archive flags. The suite's tests come as objects (actorspec::conformance
# is an OBJECT library) for the same reason.
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/ActorspecGTest.cmake)

# add_executable needs a source; a binary whose backends all come from
# LIBRARIES (the built-in ones) gets this empty one.
set(_actorspec_empty_source "${CMAKE_CURRENT_LIST_DIR}/actorspec_empty.cpp")

function(_actorspec_add_suite_binary target suite)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "SOURCES;LIBRARIES")
  if(NOT arg_SOURCES)
    set(arg_SOURCES "${_actorspec_empty_source}")
  endif()
  add_executable(${target} ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE ${suite} ${arg_LIBRARIES})
endfunction()

function(actorspec_add_conformance)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;TIMEOUT" "BACKEND;SOURCES;LIBRARIES")
  if(NOT arg_TARGET OR NOT arg_BACKEND)
    message(FATAL_ERROR "actorspec_add_conformance: TARGET and BACKEND are required")
  endif()
  if(NOT TARGET actorspec::conformance)
    message(FATAL_ERROR "actorspec_add_conformance: this actorspec has no conformance suite "
                        "(built without GoogleTest, or find_package(GTest) failed)")
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()
  # Imported targets are directory-scoped: find GTest here too when the
  # caller's directory (a parent project using add_subdirectory) has not.
  if(NOT TARGET GTest::gtest_main)
    find_package(GTest REQUIRED)
  endif()
  _actorspec_add_suite_binary(${arg_TARGET} actorspec::conformance
    SOURCES ${arg_SOURCES} LIBRARIES GTest::gtest_main ${arg_LIBRARIES})
  foreach(backend IN LISTS arg_BACKEND)
    # Test names are Conformance/Suite.Rule/<backend>: one discovery per
    # backend, so each test carries its backend as a label.
    actorspec_gtest_discover(TARGET ${arg_TARGET}
      TEST_FILTER "*/${backend}"
      TEST_LIST ${arg_TARGET}_${backend}_tests
      LABELS conformance ${backend}
      TIMEOUT ${arg_TIMEOUT})
    add_test(NAME ${arg_TARGET}.registers.${backend}
             COMMAND ${arg_TARGET} --gtest_list_tests "--gtest_filter=*/${backend}")
    set_tests_properties(${arg_TARGET}.registers.${backend} PROPERTIES
      LABELS "conformance;${backend}"
      PASS_REGULAR_EXPRESSION "/${backend}[ \n]"
      TIMEOUT 60)
  endforeach()
endfunction()

function(actorspec_add_perf)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET" "SOURCES;LIBRARIES")
  if(NOT arg_TARGET)
    message(FATAL_ERROR "actorspec_add_perf: TARGET is required")
  endif()
  if(NOT TARGET actorspec::perf)
    message(FATAL_ERROR "actorspec_add_perf: this actorspec has no perf suite "
                        "(built without Google Benchmark, or find_package(benchmark) failed)")
  endif()
  _actorspec_add_suite_binary(${arg_TARGET} actorspec::perf SOURCES ${arg_SOURCES} LIBRARIES ${arg_LIBRARIES})
endfunction()
