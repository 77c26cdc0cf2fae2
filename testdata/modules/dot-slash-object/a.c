#include <linux/module.h>
#include <linux/init.h>
#include "a.h"
static int __init dots_init(void) { return b_fn(A_ZERO); }
static void __exit dots_exit(void) { }
module_init(dots_init);
module_exit(dots_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: ./ in an object name");
