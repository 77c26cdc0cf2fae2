/* linked into both a.ko and b.ko */
#include "shared.h"
int shared_y(int v) { return v; }
