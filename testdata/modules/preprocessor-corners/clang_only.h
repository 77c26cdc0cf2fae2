#error "clang_only.h must not be included by gcc"
