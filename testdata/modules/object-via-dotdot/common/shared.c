#include "shared.h"
#include "../drv/drv.h"
int shared_fn(int v) { return v + DRV_ZERO; }
