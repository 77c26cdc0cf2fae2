#include <linux/module.h>
#include <linux/init.h>
#include "deep.h"
#include "../inner.h"
static int __init deep_init(void) { return DEEP_ZERO; }
static void __exit deep_exit(void) { }
module_init(deep_init);
module_exit(deep_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: module two directories down");
MODULE_VERSION("3");
