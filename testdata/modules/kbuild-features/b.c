// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>

int feat_b(void);

int feat_b(void)
{
	return 0;
}
