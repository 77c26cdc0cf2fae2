#ifndef STRS_H
#define STRS_H
#define STRS_ZERO 0
#define STRS_EMPTY ""
#define STRS_SLASHES "//" "/" "*/"
#define STRS_BS_QUOTE "\\\"" /* escaped backslash then escaped quote */
#endif
