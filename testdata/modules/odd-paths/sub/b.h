#define B_ZERO 0
