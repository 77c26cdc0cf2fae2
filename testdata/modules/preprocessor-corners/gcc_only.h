#define GCC_ONLY_ONE 1
