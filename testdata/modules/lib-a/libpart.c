/* archived into lib.a; sumversion skips .a entries, so this file never counts */
#include "libpart.h"
int libpart_fn(int v) { return v; }
