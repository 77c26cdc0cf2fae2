#ifndef INC1_NX_H
#define INC1_NX_H
#define NX_ONE 1
#include_next <nx.h>
#endif
