#include <linux/module.h>
#include <linux/init.h>
#include "top.h"
static int __init top_init(void) { return TOP_ZERO; }
static void __exit top_exit(void) { }
module_init(top_init);
module_exit(top_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: top-level module beside subdirectory modules");
