# cmake -DDEF_FILE=.../diagnostic_kinds.def -DGOLDEN_DIR=.../tests/golden/check
#       -DDOC_FILE=.../docs/diagnostics.md -P this-file
# Fails, listing them, when a diagnostic code of the registry appears as `[CODE]` in no
# tests/golden/check/*.out or tests/golden/analyze/*.out (every diagnostic a user can meet must have a golden that shows it),
# or has no `### CODE Name` section in docs/diagnostics.md (every one must be documented).

file(STRINGS "${DEF_FILE}" def_lines REGEX "^LICIT_DIAG\\(")
set(codes "")
foreach(line IN LISTS def_lines)
  if(line MATCHES "^LICIT_DIAG\\([A-Za-z0-9_]+, *\"([A-Z][0-9]+)\"")
    list(APPEND codes "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(LENGTH codes code_count)
if(code_count EQUAL 0)
  message(FATAL_ERROR "no LICIT_DIAG entries found in ${DEF_FILE}")
endif()

# GOLDEN_DIR: one directory or a list (check/ and analyze/, whose findings are diagnostics too).
set(outs "")
foreach(dir IN LISTS GOLDEN_DIR)
  file(GLOB dir_outs "${dir}/*.out")
  list(APPEND outs ${dir_outs})
endforeach()
set(all_output "")
foreach(out IN LISTS outs)
  file(READ "${out}" text)
  string(APPEND all_output "${text}")
endforeach()

set(uncovered "")
foreach(code IN LISTS codes)
  string(FIND "${all_output}" "[${code}]" pos)
  if(pos EQUAL -1)
    list(APPEND uncovered "${code}")
  endif()
endforeach()

list(LENGTH uncovered uncovered_count)
if(uncovered_count GREATER 0)
  list(JOIN uncovered " " uncovered_text)
  message(FATAL_ERROR
    "${uncovered_count} of ${code_count} diagnostic codes have no golden in ${GOLDEN_DIR} "
    "(no *.out contains `[CODE]`):\n  ${uncovered_text}\n"
    "Add a tests/golden/check/<name>.licit that triggers each, then create its .out with "
    "`make update-goldens`.")
endif()
# Each kind's section in the reference: `### E0101 UnexpectedCharacter: ...`.
file(STRINGS "${DOC_FILE}" doc_headings REGEX "^### [A-Z][0-9]+ ")
set(undocumented "")
foreach(line IN LISTS def_lines)
  if(line MATCHES "^LICIT_DIAG\\(([A-Za-z0-9_]+), *\"([A-Z][0-9]+)\"")
    set(name "${CMAKE_MATCH_1}")
    set(code "${CMAKE_MATCH_2}")
    set(found OFF)
    foreach(heading IN LISTS doc_headings)
      if(heading MATCHES "^### ${code} ${name}[: ]")
        set(found ON)
        break()
      endif()
    endforeach()
    if(NOT found)
      list(APPEND undocumented "${code} ${name}")
    endif()
  endif()
endforeach()
if(undocumented)
  list(JOIN undocumented ", " undocumented_text)
  message(FATAL_ERROR "diagnostic codes with no `### CODE Name` section in ${DOC_FILE}:\n  "
                      "${undocumented_text}")
endif()
message(STATUS "all ${code_count} diagnostic codes are covered by check goldens and documented")
