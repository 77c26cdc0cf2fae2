#include <linux/module.h>
#include <linux/init.h>

static int __init nover_init(void) { return 0; }
static void __exit nover_exit(void) { }

module_init(nover_init);
module_exit(nover_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: neither MODULE_VERSION nor modpost -a");
