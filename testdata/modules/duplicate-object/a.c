#include <linux/module.h>
#include <linux/init.h>
#include "a.h"
#include "impl.c"

static int __init dup_init(void) { return b_fn(impl_fn(0)); }
static void __exit dup_exit(void) { }
module_init(dup_init);
module_exit(dup_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: object listed twice");
