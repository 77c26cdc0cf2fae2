#include "local.h"
#include "./local.h"
#include "../sub/local.h"
#include "../guarded.h"
#include "../empty.h"
#include "deep.h"
int part_fn(int v);
int part_fn(int v) { return v + SUBLOCAL_ZERO + GUARDED_ZERO; }
