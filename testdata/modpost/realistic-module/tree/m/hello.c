// SPDX-License-Identifier: GPL-2.0
/*
 * hello.c - a module that says hello.
 */
#include <linux/module.h>
#include <linux/init.h>
#include "hello.h"
#include "sub/inner.h"

static char *whom = "world";
module_param(whom, charp, 0444);

static int __init hello_init(void)
{
	pr_info("hello, %s (%d)\n", whom, HELLO_ANSWER);
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("goodbye, %s\n", whom);
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION("1.0");
