/* same-directory header of sub/b.o */
#define B_ZERO 0
