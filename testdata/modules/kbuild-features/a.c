// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include "feat.h"

int feat_b(void);

static int __init feat_init(void)
{
	return FEAT_SUM == 49 ? feat_b() : -1;
}

static void __exit feat_exit(void)
{
}

module_init(feat_init);
module_exit(feat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture: Kbuild features");
