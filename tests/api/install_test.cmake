# cmake -DBUILD_DIR=<build tree> -DSOURCE_DIR=<source tree> -DWORK=<scratch dir>
#       -DGENERATOR=<generator> -DCXX=<c++> -DC=<cc> -P install_test.cmake
# Installs the current build tree into a temporary prefix (no rebuild), then builds the two
# embedding examples out of tree against it, as an embedder would: examples/embed-cpp through
# find_package(licit) (also against the static archive, licit::licit_static), examples/embed-c
# through pkg-config, and runs them on the sample shipments: their decisions must be those of the
# installed `licit run`, byte for byte.
set(prefix "${WORK}/prefix")
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

# The first programs of docs/embedding.md, built against the prefix, must run.
function(check_hello exe)
  execute_process(COMMAND ${exe} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT out MATCHES "^license\n  rare-earth-to-any-except-KR")
    message(FATAL_ERROR "${exe} failed (${status}):\n${out}\n${err}")
  endif()
endfunction()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed (${status}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(f include/licit/licit.hpp include/licit/licit.h lib/liblicit.a lib/pkgconfig/licit.pc
          lib/cmake/licit/licitConfig.cmake lib/cmake/licit/licitConfigVersion.cmake
          lib/cmake/licit/licitTargets.cmake bin/licit)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB sonames "${prefix}/lib/liblicit.so.*")
if(NOT sonames)
  message(FATAL_ERROR "not installed: lib/liblicit.so.<version>")
endif()

# The public headers must stand alone: nothing from the source tree, no internal headers.
file(READ "${prefix}/include/licit/licit.hpp" hpp)
if(hpp MATCHES "#include \"" OR hpp MATCHES "compiler/|runtime/|llvm|antlr|simdjson|fmt/")
  message(FATAL_ERROR "licit.hpp includes something besides the standard library")
endif()

# C++ through find_package, shared and static.
foreach(variant shared static)
  set(dir "${WORK}/embed-cpp-${variant}")
  set(extra "")
  if(variant STREQUAL "static")
    # The same example linked against the static archive (its dependencies come from the package).
    file(MAKE_DIRECTORY "${WORK}/static-src")
    file(READ "${SOURCE_DIR}/examples/embed-cpp/CMakeLists.txt" lists)
    string(REPLACE "licit::licit)" "licit::licit_static)" lists "${lists}")
    file(WRITE "${WORK}/static-src/CMakeLists.txt" "${lists}")
    file(COPY "${SOURCE_DIR}/examples/embed-cpp/screen.cpp" "${SOURCE_DIR}/examples/embed-cpp/hello.cpp"
         DESTINATION "${WORK}/static-src")
    set(src "${WORK}/static-src")
  else()
    set(src "${SOURCE_DIR}/examples/embed-cpp")
  endif()
  run(${CMAKE_COMMAND} -S "${src}" -B "${dir}" -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release
      "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_COMPILER=${CXX}")
  run(${CMAKE_COMMAND} --build "${dir}")
  check_hello("${dir}/hello")
  execute_process(COMMAND ${CMAKE_COMMAND} -DLICIT=${prefix}/bin/licit
                          "-DSCREEN=${dir}/screen;--policy;examples/cn-japan-2026.licit"
                          -DPOLICY=examples/cn-japan-2026.licit -DRECORDS=examples/shipments.jsonl
                          -DOUT_DIR=${WORK}/out-cpp-${variant}
                          -P ${SOURCE_DIR}/tests/api/compare_with_cli.cmake
                  WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "examples/embed-cpp (${variant}) differs from licit run")
  endif()
endforeach()

# C through pkg-config.
set(ENV{PKG_CONFIG_PATH} "${prefix}/lib/pkgconfig")
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/embed-c" -B "${WORK}/embed-c" -G "${GENERATOR}"
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_COMPILER=${C}")
run(${CMAKE_COMMAND} --build "${WORK}/embed-c")
check_hello("${WORK}/embed-c/hello")
execute_process(COMMAND ${CMAKE_COMMAND} -DLICIT=${prefix}/bin/licit
                        "-DSCREEN=${WORK}/embed-c/screen;examples/cn-japan-2026.licit"
                        -DPOLICY=examples/cn-japan-2026.licit -DRECORDS=examples/shipments.jsonl
                        -DOUT_DIR=${WORK}/out-c -P ${SOURCE_DIR}/tests/api/compare_with_cli.cmake
                WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "examples/embed-c differs from licit run")
endif()

# The Python package (when built: PYTHON is set), imported from the prefix alone, in a directory
# outside the source tree, and deciding a record as the installed `licit eval` does.
if(PYTHON)
  if(NOT EXISTS "${prefix}/${PYTHON_DIR}/licit/__init__.py")
    message(FATAL_ERROR "not installed: ${PYTHON_DIR}/licit/__init__.py")
  endif()
  set(record "{\"id\":\"P1\",\"date\":\"2026-02-01\",\"destination\":\"JP\",\"origin\":\"CN\"}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env "PYTHONPATH=${prefix}/${PYTHON_DIR}"
                          ${PYTHON} -c "import licit, sys; print(licit.compile_files(sys.argv[1]).decide(sys.argv[2]).to_json())"
                          "${SOURCE_DIR}/examples/cn-japan-2026.licit" "${record}"
                  WORKING_DIRECTORY "${WORK}"
                  RESULT_VARIABLE status OUTPUT_VARIABLE from_python ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "the installed Python package failed (${status}):\n${from_python}\n${err}")
  endif()
  execute_process(COMMAND "${prefix}/bin/licit" eval "${SOURCE_DIR}/examples/cn-japan-2026.licit"
                          --record "${record}"
                  OUTPUT_VARIABLE from_cli)
  if(NOT from_python STREQUAL from_cli)
    message(FATAL_ERROR "the installed Python package decided\n${from_python}licit eval:\n${from_cli}")
  endif()
endif()

file(REMOVE_RECURSE "${prefix}")  # the static archive is large; keep only the small outputs
message(STATUS "install test passed: ${prefix}")
