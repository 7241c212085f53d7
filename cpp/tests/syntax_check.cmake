# Compiles each of SOURCES (a ;-separated list) on its own with COMPILER, syntax only, under
# FLAGS and the include directories INCLUDES (both ;-separated), and fails naming every
# source that does not compile. Run by ctest (cmake -P): see headers_alone_* in CMakeLists.txt.
set(_failed "")
foreach(_source IN LISTS SOURCES)
  set(_includes "")
  foreach(_dir IN LISTS INCLUDES)
    list(APPEND _includes "-I${_dir}")
  endforeach()
  execute_process(COMMAND "${COMPILER}" ${FLAGS} ${_includes} -fsyntax-only "${_source}"
                  RESULT_VARIABLE _result OUTPUT_VARIABLE _output ERROR_VARIABLE _output)
  if(NOT _result EQUAL 0)
    message("${_source}:\n${_output}")
    list(APPEND _failed "${_source}")
  endif()
endforeach()
list(LENGTH SOURCES _count)
if(_failed)
  string(REPLACE ";" "\n  " _list "${_failed}")
  message(FATAL_ERROR "${COMPILER}: these do not compile on their own:\n  ${_list}")
endif()
message("${COMPILER}: ${_count} sources compile on their own")
