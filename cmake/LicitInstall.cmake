# `cmake --install <build> --prefix P` (docs/embedding.md): the shared and static API libraries,
# the public headers, a CMake package (find_package(licit): targets licit::licit, the shared
# library, and licit::licit_static) and a pkg-config file (licit.pc; `pkg-config --static` adds
# what the static archive needs). The `licit` command-line tool is installed too.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS licit_shared licit_static EXPORT licitTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/api/include/licit/licit.hpp
              ${PROJECT_SOURCE_DIR}/api/include/licit/licit.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/licit)
install(TARGETS licit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(LICIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/licit)
install(EXPORT licitTargets NAMESPACE licit:: DESTINATION ${LICIT_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/licitConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/licitConfig.cmake
                              INSTALL_DESTINATION ${LICIT_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/licitConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/licitConfig.cmake ${PROJECT_BINARY_DIR}/licitConfigVersion.cmake
        DESTINATION ${LICIT_CMAKE_DIR})

# pkg-config: the shared library by default; Libs.private for `pkg-config --static`.
set(LICIT_PC_PRIVATE
    "-lstdc++ -lm -lpthread -lfmt -lsimdjson -lmd -lz3 -licui18n -licuuc -licudata ${ANTLR4_RUNTIME_LIB} ${LICIT_LLVM_SHARED_LIB}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/licit.pc.in ${PROJECT_BINARY_DIR}/licit.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/licit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
