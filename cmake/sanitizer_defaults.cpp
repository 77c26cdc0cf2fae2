// Default runtime options of the sanitizer build (SRCVER_SANITIZE, cmake/Sanitizers.cmake), linked into each of its
// executables, so that a binary of build-san/ run by hand behaves as under scripts/sanitize-and-fuzz.sh. Options in
// ASAN_OPTIONS and UBSAN_OPTIONS are applied on top of these.

// allow_user_poisoning=0: LLVM's headers poison BumpPtrAllocator slabs and unpoison each allocation when the code
// that includes them is built with ASan (LLVM_ADDRESS_SANITIZER_BUILD). The prebuilt, uninstrumented Clang libraries
// allocate from the same allocators through their own inlined code, which never unpoisons, so without this every
// such allocation in a slab our code started is a false use-after-poison (first seen in the unit tests of the
// directive store, in the dependency scanner's file system cache).
// NOLINTNEXTLINE(readability-identifier-naming): the name the ASan runtime looks up
extern "C" const char* __asan_default_options() { return "allow_user_poisoning=0"; }

// print_stacktrace=1: an undefined-behaviour report says where it happened.
// NOLINTNEXTLINE(readability-identifier-naming): the name the UBSan runtime looks up
extern "C" const char* __ubsan_default_options() { return "print_stacktrace=1"; }
