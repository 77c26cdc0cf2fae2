#include <linux/module.h>
#include <linux/init.h>
#ifdef XCF_USE_ALT
#include "alt.h"
#else
#include "plain.h"
#endif
static int __init xcf_init(void) { return XCF_ZERO; }
static void __exit xcf_exit(void) { }
module_init(xcf_init);
module_exit(xcf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: EXTRA_CFLAGS");
