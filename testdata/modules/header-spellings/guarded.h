/* included through two spellings ("guarded.h" and "./guarded.h"): gcc lists both, the include guard stops the second */
#ifndef GUARDED_H
#define GUARDED_H
#define GUARDED_ZERO 0
#endif
