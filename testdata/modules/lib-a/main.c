#include <linux/module.h>
#include <linux/init.h>
#include "libpart.h"
static int __init withlib_init(void) { return libpart_fn(0); }
static void __exit withlib_exit(void) { }
module_init(withlib_init);
module_exit(withlib_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: a lib.a entry in .mod");
