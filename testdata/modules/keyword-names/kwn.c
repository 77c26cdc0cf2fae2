#include <linux/module.h>
#include <linux/init.h>
#include "deps_cfg.h"
#include "source_cfg.h"
static int __init kwn_init(void) { return SOURCE_CFG_ZERO + DEPS_CFG_ZERO; }
static void __exit kwn_exit(void) { }
module_init(kwn_init);
module_exit(kwn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: headers named source_* and deps_*");
