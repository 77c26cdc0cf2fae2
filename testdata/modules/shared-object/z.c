#include "shared.h"
int only_z(int v) { return v; }
static int __init a_init(void) { return shared_y(only_z(0)); }
static void __exit a_exit(void) { }
module_init(a_init);
module_exit(a_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: composite a sharing y.o");
