# Generates the C++ lexer and parser from grammar/*.g4 at build time with Debian's ANTLR 4 tool
# (/usr/bin/antlr4, 4.7.2; `java -jar` on Debian's jar fails, so we call the wrapper script).
find_program(ANTLR4_TOOL antlr4 REQUIRED)
find_path(ANTLR4_INCLUDE_DIR antlr4-runtime.h PATH_SUFFIXES antlr4-runtime REQUIRED)
find_library(ANTLR4_RUNTIME_LIB antlr4-runtime REQUIRED)
# The runtime's static archive (Debian ships it, position-independent), for a target whose property
# LICIT_LINK_STATIC_ANTLR is true: the `licit` executable, so that its start does not look up the
# shared runtime's 2,700 symbols (bench/README.md, "the start").
find_library(ANTLR4_RUNTIME_STATIC_LIB libantlr4-runtime.a)
option(LICIT_STATIC_ANTLR "link the licit executable with the ANTLR runtime's static archive" ON)

# licit_antlr_generate(<out_var> OUTPUT_DIR <dir> LEXER <g4> PARSER <g4> NAMESPACE <ns>)
function(licit_antlr_generate out_var)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR;LEXER;PARSER;NAMESPACE" "" ${ARGN})
  get_filename_component(lexer_name ${ARG_LEXER} NAME_WE)
  get_filename_component(parser_name ${ARG_PARSER} NAME_WE)
  # The generated headers include "antlr4-runtime.h", whose Debian copy pulls in
  # misc/InterpreterDataReader.h, which clang rejects (so the fuzz preset could not build). A copy
  # of the umbrella without that line, next to the generated headers, wins the quoted include
  # (the including file's own directory is searched first). Nothing generated uses that header.
  file(READ ${ANTLR4_INCLUDE_DIR}/antlr4-runtime.h umbrella)
  string(REPLACE "#include \"misc/InterpreterDataReader.h\"" "" umbrella "${umbrella}")
  file(MAKE_DIRECTORY ${ARG_OUTPUT_DIR})
  file(CONFIGURE OUTPUT ${ARG_OUTPUT_DIR}/antlr4-runtime.h CONTENT "${umbrella}" @ONLY)
  set(outputs
      ${ARG_OUTPUT_DIR}/${lexer_name}.cpp ${ARG_OUTPUT_DIR}/${lexer_name}.h
      ${ARG_OUTPUT_DIR}/${parser_name}.cpp ${ARG_OUTPUT_DIR}/${parser_name}.h)
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${ARG_OUTPUT_DIR}
    COMMAND ${ANTLR4_TOOL} -Dlanguage=Cpp -no-listener -no-visitor -package ${ARG_NAMESPACE}
            -o ${ARG_OUTPUT_DIR} -Xexact-output-dir ${ARG_LEXER}
    COMMAND ${ANTLR4_TOOL} -Dlanguage=Cpp -no-listener -no-visitor -package ${ARG_NAMESPACE}
            -o ${ARG_OUTPUT_DIR} -Xexact-output-dir -lib ${ARG_OUTPUT_DIR} ${ARG_PARSER}
    DEPENDS ${ARG_LEXER} ${ARG_PARSER}
    COMMENT "Generating the Licit parser with ANTLR"
    VERBATIM)
  set(${out_var} ${outputs} PARENT_SCOPE)
endfunction()
