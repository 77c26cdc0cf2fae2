#include <linux/module.h>
#include <linux/init.h>
#include "solo_direct.h"
static int __init solo_direct_init(void) { return SOLO_DIRECT_ZERO; }
static void __exit solo_direct_exit(void) { }
module_init(solo_direct_init);
module_exit(solo_direct_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: direct/solo_direct");
