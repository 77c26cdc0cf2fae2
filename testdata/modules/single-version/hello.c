// Single-object module that declares MODULE_VERSION.
#include <linux/module.h>
#include <linux/init.h>
#include "hello.h"

static int __init hello_init(void)
{
	return HELLO_RET;
}

static void __exit hello_exit(void)
{
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: single object with MODULE_VERSION");
MODULE_VERSION("1.0");
