# cmake -DLICIT=<licit> -DSCREEN=<screen command, ;-list> -DPOLICY=<file> -DRECORDS=<jsonl>
#       -DOUT_DIR=<dir> -P compare_with_cli.cmake
# Runs an embedding example (`screen`) on the records and `licit run` on the same records, and
# fails unless their decisions are byte for byte the same and both exit 4 or both exit 0.
# Relative paths are resolved against the working directory (ctest sets it to the source tree).
file(MAKE_DIRECTORY "${OUT_DIR}")
execute_process(COMMAND ${LICIT} run ${POLICY} --records ${RECORDS} --out ${OUT_DIR}/cli.jsonl
                RESULT_VARIABLE cli_status ERROR_VARIABLE cli_err)
execute_process(COMMAND ${SCREEN} INPUT_FILE ${RECORDS} OUTPUT_FILE ${OUT_DIR}/screen.jsonl
                RESULT_VARIABLE screen_status ERROR_VARIABLE screen_err)
message(STATUS "licit run: exit ${cli_status}; screen: exit ${screen_status}\n${screen_err}")
if(NOT cli_status EQUAL screen_status)
  message(FATAL_ERROR "exit status differs: licit run ${cli_status} (${cli_err}), screen ${screen_status}")
endif()
file(READ ${OUT_DIR}/cli.jsonl expected)
file(READ ${OUT_DIR}/screen.jsonl actual)
if(expected STREQUAL "")
  message(FATAL_ERROR "licit run wrote no decisions: ${cli_err}")
endif()
if(NOT expected STREQUAL actual)
  execute_process(COMMAND diff ${OUT_DIR}/cli.jsonl ${OUT_DIR}/screen.jsonl)
  message(FATAL_ERROR "the example's decisions differ from `licit run`'s (files in ${OUT_DIR})")
endif()
string(REGEX MATCHALL "\n" lines "${actual}")
list(LENGTH lines n)
message(STATUS "${n} decisions identical to licit run")
