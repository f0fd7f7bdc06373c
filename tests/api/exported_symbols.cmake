# cmake -DLIB=<liblicit.so> -P exported_symbols.cmake
# The shared library must export the public API and nothing of its insides: no symbol of the
# compiler or runtime namespaces, LLVM, ANTLR, simdjson or fmt.
execute_process(COMMAND nm -D -C --defined-only ${LIB} OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIB}")
endif()
string(REGEX MATCHALL "[^\n]*(licit::(rt|ir|sema|syntax|ast|interp|jit|codegen|io|stdlib|cli)::|llvm::|antlr4::|simdjson::|fmt::)[^\n]*"
       leaked "${symbols}")
if(leaked)
  list(LENGTH leaked n)
  list(SUBLIST leaked 0 10 first)
  string(REPLACE ";" "\n" first "${first}")
  message(FATAL_ERROR "${n} internal symbols exported by ${LIB}, for example:\n${first}")
endif()
foreach(required "licit_policy_decide_json" "licit::Policy::decide_json" "licit::Engine::compile_files")
  string(FIND "${symbols}" "${required}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${LIB} does not export ${required}")
  endif()
endforeach()
string(REGEX MATCHALL "\n[0-9a-f]+ T licit_" c_functions "\n${symbols}")
list(LENGTH c_functions n)
message(STATUS "${n} C functions exported; no internal symbols")
