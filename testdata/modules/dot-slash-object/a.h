int b_fn(int v);
#define A_ZERO 0
