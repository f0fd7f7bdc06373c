# LICIT_SANITIZE=address,undefined (the asan preset) or thread; applied to every target.
set(LICIT_SANITIZE "" CACHE STRING "Sanitizers to enable, e.g. address,undefined")
if(LICIT_SANITIZE)
  add_compile_options(-fsanitize=${LICIT_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${LICIT_SANITIZE})
endif()
