# actorspec_find(OPTION_VAR package [find_package args...])
# At top level a missing dependency is an error. As a subproject the part
# that needs it is switched off (OPTION_VAR set to OFF in the caller's
# scope) with a status message, so a consumer never has to force options off.
include_guard(GLOBAL)

macro(actorspec_find option_var package)
  if(PROJECT_IS_TOP_LEVEL)
    find_package(${package} ${ARGN} REQUIRED)
  else()
    find_package(${package} ${ARGN} QUIET)
    if(NOT ${package}_FOUND)
      message(STATUS "actorspec: ${package} not found, ${option_var} is off")
      set(${option_var} OFF)
    endif()
  endif()
endmacro()
