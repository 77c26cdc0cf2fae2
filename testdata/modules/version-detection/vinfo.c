#include <linux/module.h>
#include <linux/init.h>

static int __init vinfo_init(void) { return 0; }
static void __exit vinfo_exit(void) { }
module_init(vinfo_init);
module_exit(vinfo_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(version, "3");
