// A second unit: the kernel's macros it looks up are kept by the first unit's check or its own.
#include <linux/kernel.h>
#include <linux/slab.h>
#include "page_4k.h"

#if defined(CONFIG_SLUB) && defined(KMALLOC_MAX_SIZE)
#include "slub.h"
#endif

int lookups_second(void) { return 0; }
