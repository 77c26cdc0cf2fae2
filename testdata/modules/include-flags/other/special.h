/* only b.o can see this directory (CFLAGS_b.o) */
#define SPECIAL_ZERO 0
