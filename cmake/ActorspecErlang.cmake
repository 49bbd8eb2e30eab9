# Erlang/OTP for the BEAM reference column (conformance/beam, perf/beam):
# one switch, one lookup, and the two things both folders do with them.
# Included by each folder that needs it: ACTORSPEC_BEAM_WHY_NOT is a normal
# variable of the including directory.

option(ACTORSPEC_BEAM "Run the spec's scenarios and the perf families on Erlang/OTP too" ON)
find_program(ACTORSPEC_ERL erl)
find_program(ACTORSPEC_ERLC erlc)
# Why the BEAM cannot run here ("" when it can): every BEAM test then still
# exists and reports itself skipped with this reason, never silently absent.
if(NOT ACTORSPEC_BEAM)
  set(ACTORSPEC_BEAM_WHY_NOT "disabled (-DACTORSPEC_BEAM=OFF)")
elseif(NOT ACTORSPEC_ERL OR NOT ACTORSPEC_ERLC)
  set(ACTORSPEC_BEAM_WHY_NOT "Erlang/OTP (erl, erlc) not found; install erlang-base erlang-dev erlang-eunit")
else()
  set(ACTORSPEC_BEAM_WHY_NOT "")
endif()

# actorspec_erlc(TARGET t EBIN dir SOURCES a.erl... COMMENT text): compiles
# the sources into dir (warnings are errors) as part of the default build.
function(actorspec_erlc)
  cmake_parse_arguments(E "" "TARGET;EBIN;COMMENT" "SOURCES" ${ARGN})
  set(modules)
  foreach(src IN LISTS E_SOURCES)
    get_filename_component(mod ${src} NAME_WE)
    list(APPEND modules ${E_EBIN}/${mod}.beam)
  endforeach()
  add_custom_command(OUTPUT ${modules}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${E_EBIN}
    COMMAND ${ACTORSPEC_ERLC} -Werror -o ${E_EBIN} ${E_SOURCES}
    DEPENDS ${E_SOURCES}
    COMMENT "erlc: ${E_COMMENT}"
    VERBATIM)
  add_custom_target(${E_TARGET} ALL DEPENDS ${modules})
endfunction()

# actorspec_skipped_test(NAME n LABELS l... WHY text): a test that reports
# itself skipped (CTest's SKIP_RETURN_CODE) with the reason.
function(actorspec_skipped_test)
  cmake_parse_arguments(S "" "NAME;WHY" "LABELS" ${ARGN})
  message(STATUS "${S_NAME}: ${S_WHY}; the test will report itself skipped")
  add_test(NAME ${S_NAME} COMMAND sh -c "echo '${S_NAME} skipped: ${S_WHY}'; exit 77")
  set_tests_properties(${S_NAME} PROPERTIES LABELS "${S_LABELS}" SKIP_RETURN_CODE 77)
endfunction()
