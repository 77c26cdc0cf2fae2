#include <incf.h>
#ifdef B_SPECIAL
#include "special.h"
#include <special.h>
#endif
int b_fn(int v) { return v + SPECIAL_ZERO; }
