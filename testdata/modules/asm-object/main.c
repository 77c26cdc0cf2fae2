#include <linux/module.h>
#include <linux/init.h>
#include "table.h"

extern const unsigned int asmmod_table[2];

static int __init asmmod_init(void) { return asmmod_table[0] == TABLE_MAGIC ? 0 : -EINVAL; }
static void __exit asmmod_exit(void) { }
module_init(asmmod_init);
module_exit(asmmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: .S object");
