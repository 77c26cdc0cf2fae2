/* reached from the top level as sub/inner.h, and it includes ../a.h, spelled sub/../a.h */
#include "../a.h"
#define INNER_ZERO 0
