# Embeds the standard library's .licit sources in the binary: each stdlib/<a>/<b>.licit becomes
# the module `a.b` in a generated C++ table (see stdlib/embedded.h).
function(licit_embed_stdlib target)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.licit")
  set(out "${LICIT_GENERATED_DIR}/stdlib_embedded.cpp")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DROOT=${CMAKE_CURRENT_SOURCE_DIR}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_stdlib_script.cmake
    DEPENDS ${sources} ${PROJECT_SOURCE_DIR}/cmake/embed_stdlib_script.cmake
    COMMENT "Embedding the standard library"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
