#include <linux/module.h>
#include <linux/init.h>
#include "a.h"
static int __init oddp_init(void) { return b_fn(A_ZERO); }
static void __exit oddp_exit(void) { }
module_init(oddp_init);
module_exit(oddp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: // in an object name");
