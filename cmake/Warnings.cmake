# Warnings for Licit's own targets (never for generated ANTLR code).
function(licit_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter
                                           -Wno-missing-field-initializers)
  if(LICIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
option(LICIT_WERROR "Treat warnings as errors" OFF)
