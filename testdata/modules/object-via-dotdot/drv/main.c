#include <linux/module.h>
#include <linux/init.h>
#include "drv.h"
#include "../common/shared.h"
static int __init drvmod_init(void) { return shared_fn(DRV_ZERO); }
static void __exit drvmod_exit(void) { }
module_init(drvmod_init);
module_exit(drvmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: object reached through ../");
