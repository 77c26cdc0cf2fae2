/* a header in a subdirectory; it includes ../once.h (spelled sub/../once.h) */
#include "../once.h"
#define DEEP_ZERO 0
