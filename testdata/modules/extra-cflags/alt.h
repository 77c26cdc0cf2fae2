/* included only while Kbuild honours EXTRA_CFLAGS */
#define XCF_ZERO (0)
