#include <linux/module.h>
#include <linux/init.h>

static int __init vsecond_init(void) { return 0; }
static void __exit vsecond_exit(void) { }
module_init(vsecond_init);
module_exit(vsecond_exit);
MODULE_LICENSE("GPL");
