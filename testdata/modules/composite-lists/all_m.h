#define ALL_M_ZERO 0
