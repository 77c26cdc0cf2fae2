#include "inner.h"
int inner_util(int v) { return v; }
