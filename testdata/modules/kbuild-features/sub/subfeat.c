// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>

#ifndef FEAT_FROM_PARENT
#error subdir-ccflags-y of the parent directory did not reach this one
#endif

static int __init subfeat_init(void)
{
	return 0;
}

static void __exit subfeat_exit(void)
{
}

module_init(subfeat_init);
module_exit(subfeat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture: subdir-ccflags-y");
