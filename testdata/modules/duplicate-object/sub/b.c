#include "../a.h"
int b_fn(int x) { return x; }
