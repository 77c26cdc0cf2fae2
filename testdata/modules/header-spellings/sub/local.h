/* same-directory header of sub/part.o */
#define SUBLOCAL_ZERO 0
