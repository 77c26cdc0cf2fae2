#include "inner.h"
#include "../top.h"
static int __init inner_init(void) { return inner_util(TOP_ZERO); }
static void __exit inner_exit(void) { }
module_init(inner_init);
module_exit(inner_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: composite in a subdirectory Kbuild");
