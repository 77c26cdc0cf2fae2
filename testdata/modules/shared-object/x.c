#include "shared.h"
static int __init b_init(void) { return shared_y(0); }
static void __exit b_exit(void) { }
module_init(b_init);
module_exit(b_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: composite b sharing y.o");
