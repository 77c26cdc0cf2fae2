#include "shared.h"
static int __init solo_init(void) { return 0; }
static void __exit solo_exit(void) { }
module_init(solo_init);
module_exit(solo_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: single-object module beside composites");
