#include <linux/module.h>
#include <linux/init.h>

#include "vhdr.h"
static int __init vhdr_init(void) { return 0; }
static void __exit vhdr_exit(void) { }
module_init(vhdr_init);
module_exit(vhdr_exit);
MODULE_LICENSE("GPL");
