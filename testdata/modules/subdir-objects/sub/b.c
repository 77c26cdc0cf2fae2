#include "b.h"
#include "../a.h"
#include "../sub/b.h"
int sub_b(int x) { return x + B_ZERO; }
