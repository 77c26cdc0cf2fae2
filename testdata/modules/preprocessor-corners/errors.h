#ifndef ERRORS_H
#define ERRORS_H
#ifdef __clang__
#error "errors.h: gcc skips this branch"
#endif
#define ERRORS_ZERO 0
#endif
