# cmake -DCLI_DIR=.../tools/licit -P this-file
# tools.md: "The CLI and the REPL are built on the public C++ API, never on internals the API
# cannot reach." Fails, naming them, when a source of the `licit` tool includes a header of the
# compiler or the runtime (anything but licit/licit.hpp, the standard library, fmt, the line
# editor and the tool's own headers).
file(GLOB_RECURSE sources "${CLI_DIR}/*.cpp" "${CLI_DIR}/*.h")
set(offenders "")
foreach(source IN LISTS sources)
  file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"(compiler|runtime|api/src|grammar|stdlib)/")
  foreach(line IN LISTS includes)
    list(APPEND offenders "${source}: ${line}")
  endforeach()
endforeach()
if(offenders)
  list(JOIN offenders "\n  " text)
  message(FATAL_ERROR "the CLI includes internal headers:\n  ${text}")
endif()
list(LENGTH sources count)
if(count LESS 5)
  message(FATAL_ERROR "found only ${count} CLI sources under ${CLI_DIR}: wrong directory?")
endif()
message(STATUS "${count} CLI sources include only the public API")
