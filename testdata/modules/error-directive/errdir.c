#include <linux/module.h>
#include <linux/init.h>
#include "compat.h"

static int __init errdir_init(void) { return 0; }
static void __exit errdir_exit(void) { }
module_init(errdir_init);
module_exit(errdir_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: #error by kernel version");
