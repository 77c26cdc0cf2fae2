// Which headers are included depends on kernel macros looked up in several ways (see case.txt).
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/stringify.h>

#if PAGE_SHIFT == 12
#include "page_4k.h"
#else
#include "page_other.h"
#endif

#if IS_ENABLED(CONFIG_MODULES) && IS_BUILTIN(CONFIG_NET) && !IS_ENABLED(CONFIG_SRCV_NO_SUCH_OPTION)
#include "kconfig_yes.h"
#else
#include "kconfig_no.h"
#endif

#ifdef ARCH_KMALLOC_MINALIGN
#include "minalign.h"
#endif

#define SRCV_HEADER(n) __stringify(n.h)
#include SRCV_HEADER(SZ_4K)

#define SRCV_PICK(a, b) a
#if SRCV_PICK(BITS_PER_LONG, 0) == 64
#include "long64.h"
#endif

static int __init lookups_init(void) { return lookups_second() + (int)ALIGN(3, 8) - 8; }
static void __exit lookups_exit(void) {}
module_init(lookups_init);
module_exit(lookups_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION("1");
