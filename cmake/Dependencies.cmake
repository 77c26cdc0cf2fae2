# Third-party dependencies, each with a message that names the Debian package when it is missing.

find_package(LLVM 19.1 CONFIG PATHS /usr/lib/llvm-19/lib/cmake/llvm NO_DEFAULT_PATH)
if(NOT LLVM_FOUND)
  message(FATAL_ERROR "LLVM 19 not found: install llvm-19-dev (scripts/install-deps.sh does)")
endif()
find_package(Clang CONFIG PATHS /usr/lib/llvm-19/lib/cmake/clang NO_DEFAULT_PATH)
if(NOT Clang_FOUND)
  message(FATAL_ERROR "Clang 19 not found: install libclang-19-dev libclang-cpp19-dev clang-19 clang-tools-19")
endif()
message(STATUS "Using LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")

# LLVM's headers and the static component libraries we use (LLVM is built without RTTI). Static, not the single
# libLLVM.so: loading and relocating that 100 MB library costs about 15 ms at every start, more than a warm plan.
add_library(srcver_llvm INTERFACE)
target_include_directories(srcver_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(srcver_llvm INTERFACE ${LLVM_DEFINITIONS})
llvm_map_components_to_libnames(srcver_llvm_libs support)
target_link_libraries(srcver_llvm INTERFACE ${srcver_llvm_libs})
if(NOT LLVM_ENABLE_RTTI)
  target_compile_options(srcver_llvm INTERFACE -fno-rtti)
endif()

# Clang's preprocessor and the dependency scanner's file cache, linked statically for the same reason. The imported
# Clang targets of Debian's package name the shared libLLVM, which must not be mixed with the static components, so
# the archives are named directly; the linker takes only the objects that are used.
set(srcver_clang_archives)
foreach(lib clangDependencyScanning clangFrontend clangDriver clangSerialization clangParse clangSema clangAnalysis
            clangEdit clangAST clangASTMatchers clangAPINotes clangSupport clangLex clangBasic)
  set(archive ${LLVM_LIBRARY_DIR}/lib${lib}.a)
  if(NOT EXISTS ${archive})
    message(FATAL_ERROR "${archive} not found: install libclang-19-dev (scripts/install-deps.sh does)")
  endif()
  list(APPEND srcver_clang_archives ${archive})
endforeach()
llvm_map_components_to_libnames(srcver_clang_llvm_libs option frontendopenmp frontendoffloading frontenddriver
                                frontendhlsl bitreader bitstreamreader profiledata targetparser core mc mcparser
                                binaryformat remarks demangle windowsdriver object textapi irreader asmparser)
add_library(srcver_clang INTERFACE)
target_include_directories(srcver_clang SYSTEM INTERFACE ${CLANG_INCLUDE_DIRS})
target_link_libraries(srcver_clang INTERFACE -Wl,--start-group ${srcver_clang_archives} ${srcver_clang_llvm_libs}
                      ${srcver_llvm_libs} -Wl,--end-group srcver_llvm)

find_package(OpenSSL)
if(NOT OPENSSL_FOUND)
  message(FATAL_ERROR "OpenSSL not found: install libssl-dev")
endif()
find_package(fmt CONFIG)
if(NOT fmt_FOUND)
  message(FATAL_ERROR "fmt not found: install libfmt-dev")
endif()
if(SRCVER_BUILD_TESTS)
  find_package(GTest CONFIG)
  if(NOT GTest_FOUND)
    message(FATAL_ERROR "GoogleTest not found: install libgtest-dev")
  endif()
endif()
