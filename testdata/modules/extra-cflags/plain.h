/* included when EXTRA_CFLAGS is ignored */
#define XCF_ZERO 0
