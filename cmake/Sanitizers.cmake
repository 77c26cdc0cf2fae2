# SRCVER_SANITIZE and SRCVER_FUZZ: the sanitizer and fuzzing build (scripts/sanitize-and-fuzz.sh makes it in
# build-san/). Both need clang 19 (-DCMAKE_CXX_COMPILER=clang++-19) and its runtimes (libclang-rt-19-dev). Only the
# project's own code is instrumented; the prebuilt LLVM/Clang static libraries are linked as they are.

option(SRCVER_SANITIZE "Build the project's code with AddressSanitizer and UndefinedBehaviorSanitizer (clang 19)" OFF)
option(SRCVER_FUZZ "Build tests/fuzz as libFuzzer targets (clang 19; meant with SRCVER_SANITIZE)" OFF)

if(NOT SRCVER_SANITIZE AND NOT SRCVER_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 19)
  message(FATAL_ERROR "SRCVER_SANITIZE and SRCVER_FUZZ need clang 19: configure a new build directory with "
                      "-DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 (this one uses "
                      "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION})")
endif()

# clang 19 flags libstdc++ 12's own use of std::get_temporary_buffer (in std::stable_sort) as deprecated; not ours.
add_compile_options(-Wno-deprecated-declarations)

include(CheckCXXSourceCompiles)
include(CheckLinkerFlag)

# The runtimes come from libclang-rt-19-dev; without it clang compiles but cannot link.
function(srcver_require_runtime flag what id)
  set(CMAKE_REQUIRED_FLAGS ${flag})
  set(CMAKE_REQUIRED_LINK_OPTIONS ${flag})
  check_cxx_source_compiles("${what}" srcver_links_${id})
  if(NOT srcver_links_${id})
    message(FATAL_ERROR "clang++-19 cannot link with ${flag}: install libclang-rt-19-dev "
                        "(scripts/install-deps.sh does)")
  endif()
endfunction()

if(SRCVER_SANITIZE)
  srcver_require_runtime("-fsanitize=address,undefined" "int main() { return 0; }" asan_ubsan)
  # vptr needs RTTI, which the project (like LLVM) compiles without; clang leaves it out by itself.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  # The runtime options every executable of this build needs (see the file), linked into each target defined from
  # here on.
  add_library(srcver_sanitizer_defaults OBJECT ${CMAKE_CURRENT_LIST_DIR}/sanitizer_defaults.cpp)
  link_libraries(srcver_sanitizer_defaults)
endif()
if(SRCVER_FUZZ)
  srcver_require_runtime("-fsanitize=fuzzer"
                         "extern \"C\" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }"
                         fuzzer)
  # Coverage for libFuzzer in every library the targets call; the executables other than the fuzzers get the
  # sanitizers' no-op coverage callbacks.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# lld links the Clang and LLVM archives about 3.5x faster than GNU ld (srcversion-predict with ASan: 2.8 s against
# 10.6 s), which counts in a build made from scratch in CI. lld-19 is in scripts/install-deps.sh; without it the
# default linker is used.
check_linker_flag(CXX -fuse-ld=lld srcver_has_lld)
if(srcver_has_lld)
  add_link_options(-fuse-ld=lld)
endif()
