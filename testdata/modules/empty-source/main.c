#include <linux/module.h>
#include <linux/init.h>
static int __init emptysrc_init(void) { return 0; }
static void __exit emptysrc_exit(void) { }
module_init(emptysrc_init);
module_exit(emptysrc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: an empty source file");
