#include <linux/module.h>
#include <linux/init.h>

#define DRV_VERSION_DECL(v) MODULE_VERSION(v)
static int __init vwrap_init(void) { return 0; }
static void __exit vwrap_exit(void) { }
module_init(vwrap_init);
module_exit(vwrap_exit);
MODULE_LICENSE("GPL");
DRV_VERSION_DECL("1.2");
