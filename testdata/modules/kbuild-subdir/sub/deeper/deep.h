#define DEEP_ZERO 0
