#define TOP_ZERO 0
