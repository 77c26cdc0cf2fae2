#include <linux/module.h>
#include <linux/init.h>
#include "a.h"
#include "sub/s.h"
#include "sub/inner.h"

static int __init subobj_init(void) { return sub_b(A_ZERO + S_ZERO + INNER_ZERO); }
static void __exit subobj_exit(void) { }
module_init(subobj_init);
module_exit(subobj_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: objects in a subdirectory");
