#include <linux/module.h>
#include <linux/init.h>
#include "generated.h"

int other_fn(void);

static int __init genhdr_init(void) { return other_fn() + GENERATED_ONE - 1; }
static void __exit genhdr_exit(void) { }
module_init(genhdr_init);
module_exit(genhdr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: a generated header");
