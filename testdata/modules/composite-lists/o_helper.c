#include "common.h"
int o_helper(int x) { return x; }
