#include "b.h"
#include "../a.h"
int b_fn(int v) { return v + B_ZERO; }
