# perf_smoke: runs `actorspec_perf --quick` with JSON output, then checks the
# JSON (check_perf_json.py). Never a timing threshold.
execute_process(COMMAND ${PERF} --quick --benchmark_out=${OUT} --benchmark_out_format=json
  RESULT_VARIABLE perf_rc)
if(NOT perf_rc EQUAL 0)
  message(FATAL_ERROR "actorspec_perf --quick failed (${perf_rc})")
endif()
execute_process(COMMAND ${PYTHON} ${CHECKER} ${OUT} RESULT_VARIABLE check_rc)
if(NOT check_rc EQUAL 0)
  message(FATAL_ERROR "check_perf_json.py rejected ${OUT}")
endif()
