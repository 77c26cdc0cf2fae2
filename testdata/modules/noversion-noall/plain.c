#include <linux/module.h>
#include <linux/init.h>

static int __init plain_init(void) { return 0; }
static void __exit plain_exit(void) { }

module_init(plain_init);
module_exit(plain_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: MODULE_VERSION without modpost -a");
MODULE_VERSION("2.3");
