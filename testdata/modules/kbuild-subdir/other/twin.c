#include <linux/module.h>
#include <linux/init.h>
#include "twin.h"
static int __init twin_init(void) { return TWIN_ZERO; }
static void __exit twin_exit(void) { }
module_init(twin_init);
module_exit(twin_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: other/twin");
