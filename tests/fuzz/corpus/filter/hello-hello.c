// SPDX-License-Identifier: GPL-2.0
/* The example module the README's first command builds with real Kbuild and reads back with from-build. */
#include <linux/init.h>
#include <linux/module.h>
#include "hello.h"

static int __init hello_init(void)
{
	pr_info(HELLO_GREETING);
	return 0;
}

static void __exit hello_exit(void)
{
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict example");
MODULE_VERSION("1.0");
