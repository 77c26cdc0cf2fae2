#include <linux/module.h>
#include <linux/init.h>
#include "longcmd.h"
static int __init longcmd_init(void) { return LONGCMD_ZERO; }
static void __exit longcmd_exit(void) { }
module_init(longcmd_init);
module_exit(longcmd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: compile command over 4095 characters");
